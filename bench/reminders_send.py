"""Sending throughput of the outbox: `python bench/reminders_send.py`.

2,000 due reminders in a throwaway database, sent to a local aiosmtpd (a separate process that
discards what it receives) by claim() + deliver() in batches, against raw smtplib sending the
same prebuilt messages over one connection. Goal: at least 0.5x the raw rate.
"""

import datetime
import logging
import os
import smtplib
import socket
import subprocess
import sys
import time

import throwaway_db


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = free_port()
os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{PORT}"
LABEL = throwaway_db.setup()

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from tracker.models import ChecklistItem, Program, Reminder  # noqa: E402
from tracker.notifications import emails, planning, sending  # noqa: E402

logging.getLogger("tracker").setLevel(logging.WARNING)
MESSAGES = 2_000


def start_smtp_server():
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{PORT}",
         "-c", "aiosmtpd.handlers.Sink"],
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("aiosmtpd did not start")


def make_due_reminders(now):
    today = timezone.localtime(now).date()
    program = Program.objects.create(
        slug="bench", year=2025, title_zh="2025年广西科技成果转化中试研究基地认定",
        title_en="2025 Guangxi pilot base certification", authority=throwaway_db.make_authority(),
        source_publication="bench", opens_on=today - datetime.timedelta(days=30),
        deadline=today + datetime.timedelta(days=3), is_published=True, send_hour=0,
    )
    ChecklistItem.objects.create(program=program, title_zh="认定申报材料", title_en="Materials")
    ChecklistItem.objects.create(program=program, title_zh="信用承诺", title_en="Attestation")
    throwaway_db.add_trackers([program], 0, MESSAGES)
    assert planning.plan(now) == MESSAGES


def raw_smtplib(prebuilt):
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", PORT) as smtp:
        for sender, recipient, data in prebuilt:
            smtp.sendmail(sender, [recipient], data)
    return time.perf_counter() - started


def django_send_messages(prebuilt_messages):
    from django.core import mail

    started = time.perf_counter()
    with mail.get_connection() as backend:
        for message in prebuilt_messages:
            backend.send_messages([message])
    return time.perf_counter() - started


def outbox():
    started = time.perf_counter()
    sent = 0
    while batch := sending.claim(settings.REMINDER_BATCH_SIZE):
        sent += sending.deliver(batch)[0]
    assert sent == MESSAGES, sent
    return time.perf_counter() - started


def main():
    print(f"Database: {LABEL}; SMTP: aiosmtpd Sink on 127.0.0.1:{PORT}")
    server = start_smtp_server()
    try:
        make_due_reminders(timezone.now())
        due = Reminder.objects.select_related(*sending.SENDING_RELATED).prefetch_related(
            *sending.SENDING_PREFETCH
        )
        messages = [emails.ReminderMails([reminder]).message(reminder) for reminder in due]
        prebuilt = [
            (message.from_email, message.to[0], message.message().as_bytes(linesep="\r\n"))
            for message in messages
        ]
        raw = raw_smtplib(prebuilt)
        django = django_send_messages(messages)
        ours = outbox()
        assert Reminder.objects.filter(status="sent").count() == MESSAGES
    finally:
        server.terminate()
        server.wait(timeout=10)
    raw_rate, our_rate = MESSAGES / raw, MESSAGES / ours
    print(f"raw smtplib, prebuilt messages: {raw_rate:7.0f} msg/s ({raw:.2f} s for {MESSAGES:,})")
    print(f"Django send_messages, prebuilt: {MESSAGES / django:7.0f} msg/s ({django:.2f} s: "
          "MIME assembly and serialisation included)")
    print(f"outbox claim()+deliver():       {our_rate:7.0f} msg/s ({ours:.2f} s, "
          f"batches of {settings.REMINDER_BATCH_SIZE}, rendering and marking each row)")
    print(f"ratio outbox/raw:               {our_rate / raw_rate:7.2f}x  (goal >= 0.5x)")
    print(f"ratio outbox/Django prebuilt:   {ours and django / ours:7.2f}x")


if __name__ == "__main__":
    main()
