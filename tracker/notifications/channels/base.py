"""The seam between an outbox and a medium (email and group-robot webhooks; in-app alerts are
written, not sent)."""


class PermanentFailure(Exception):
    """The medium refused the message for good (a 5xx SMTP reply, an unknown address): the
    row fails at once instead of being retried."""


class Channel:
    """Delivers the reminders of one batch, one message at a time.

    The sender calls `prepare(batch)` once (render what the batch shares), `open()` (connect;
    an exception here fails the whole batch, which backs off), `send(reminder)` for each row it
    has just handed over (an exception fails that row: `PermanentFailure` for good, anything
    else with backoff) and finally `close()`. A channel never changes outbox rows itself.
    """

    def prepare(self, batch):
        pass

    def open(self):
        pass

    def send(self, reminder):
        raise NotImplementedError

    def reset(self):
        """After a failed send: drop a connection that may be half-dead (the next send
        reconnects)."""

    def close(self):
        pass
