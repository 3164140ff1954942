"""Outbox rows by email, over one SMTP connection per batch and one SMTP transaction per
message. What a row's mail says comes from a mails class (`ReminderMails`, `AlertMails`)."""

import smtplib

from django.core import mail

from tracker.notifications.channels.base import Channel, PermanentFailure
from tracker.notifications.emails import ReminderMails


def is_permanent(exc):
    """A 5xx reply (to the sender, the recipient or the data) will not change on retry; 4xx
    replies (greylisting, a full mailbox) and lost connections may."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


class EmailChannel(Channel):
    def __init__(self, mails_class=ReminderMails):
        """`mails_class(batch)` renders a batch's mails: `message(row, connection)` a Django
        message, `sendmail_args(row)` the bytes for smtplib, or None for Django's path."""
        self.mails_class = mails_class
        self.mails = None
        self.backend = None

    def prepare(self, batch):
        self.mails = self.mails_class(batch)

    def open(self):
        self.backend = mail.get_connection()
        self.backend.open()

    def send(self, reminder):
        """One message in its own SMTP transaction.

        Over Django's SMTP backend the bytes go straight to its smtplib connection: Django would
        assemble and serialise every message anew, which costs more than the SMTP exchange,
        while ReminderMails serialises each group once. The connection is still the backend's
        own, so EMAIL_TIMEOUT, TLS/SSL and login apply. Other backends (locmem in tests,
        console, file) get a Django message.
        """
        self.backend.open()  # after a failure reset it; otherwise a no-op
        smtp = getattr(self.backend, "connection", None)
        args = self.mails.sendmail_args(reminder) if isinstance(smtp, smtplib.SMTP) else None
        try:
            if args:
                smtp.sendmail(*args)
            else:
                self.backend.send_messages([self.mails.message(reminder, self.backend)])
        except smtplib.SMTPException as exc:
            if is_permanent(exc):
                raise PermanentFailure(f"{type(exc).__name__}: {exc}") from exc
            raise

    def reset(self):
        self.backend.close()

    def close(self):
        if self.backend is not None:
            self.backend.close()
