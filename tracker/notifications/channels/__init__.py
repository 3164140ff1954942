"""Delivery channels under the outbox: each turns a claimed reminder row into a message on its
medium. What the outbox guarantees (one row per reader and date, one sender per row, backoff,
stuck rows flagged) is kept above this seam, in `notifications.sending`, for every channel."""
