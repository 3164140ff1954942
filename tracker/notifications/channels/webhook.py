"""Messages to chat groups through their robots' webhooks: 企业微信 (WeCom) and 钉钉 (DingTalk).

`post(webhook, message)` delivers any channel-neutral `Message` (a title, markdown text and a
link) to one robot; `WebhookChannel` is the outbox's channel, which turns each claimed reminder
into such a message.

HTTP goes through urllib3 (installed already for django-storages' S3 client; pinned in
pyproject.toml): connection pooling per host and separate connect and read timeouts, with its
retries and redirects turned off. The outbox does the retrying, and a redirect could lead the
server to an address nobody validated.
"""

import base64
import hashlib
import hmac
import json
import time
from typing import NamedTuple
from urllib.parse import quote_plus

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tracker.models import Webhook, validate_webhook_url
from tracker.notifications.channels.base import Channel, PermanentFailure
from tracker.notifications.emails import (
    header_text,
    open_items,
    previous_due_dates,
    reminder_context,
)

# WeCom refuses a markdown text over 4096 bytes; DingTalk's limit is larger. Longer texts are cut.
MARKDOWN_LIMIT = 4096

# The robots answer HTTP 200 with an errcode. These say "later": the server is busy, or the robot
# is over its rate (20 messages a minute for either vendor) or its daily quota, which passes
# with the outbox's backoff (5 minutes, doubling, over about 5 hours). Every other code is about
# the robot itself (its key or token is wrong or it was removed, the signature does not match
# its secret, its keyword or IP list refuses us) or about the message (a type or length it does
# not take): waiting changes none of that, so the row fails at once and shows in the admin.
RETRYABLE_ERRCODES = {
    Webhook.Kind.WECOM: {-1, 45009, 45033},  # system busy; frequency limit; concurrency limit
    Webhook.Kind.DINGTALK: {-1, 130101, 410100, 90030},  # busy; too fast; throttled; over limit
}
# Statuses worth retrying: a timeout the server reports, and "too many requests". Other 4xx
# replies mean the request itself is wrong, and will be on every attempt.
RETRYABLE_4XX = {408, 429}


class Message(NamedTuple):
    """What any channel needs of a message: a title, the text as markdown, and a link to the
    page it is about (absolute)."""

    title: str
    markdown: str
    link: str


class RobotError(Exception):
    """A delivery that failed but may succeed later (a 5xx, a timeout, a busy robot)."""


def payload(kind, message):
    """The JSON body each robot takes for a markdown message with a title and a link.

    WeCom's markdown has no title field, so the title leads the text in bold; DingTalk shows its
    `title` in the chat list and notifications, and the text in the chat.
    """
    link = f"[{message.link}]({message.link})" if message.link else ""
    if kind == Webhook.Kind.WECOM:
        text = f"**{message.title}**\n\n{message.markdown}"
        return {"msgtype": "markdown", "markdown": {"content": _cut(text, link)}}
    text = f"### {message.title}\n\n{message.markdown}"
    return {"msgtype": "markdown", "markdown": {"title": message.title, "text": _cut(text, link)}}


def _cut(text, link):
    """`text` and the link below it, in at most MARKDOWN_LIMIT UTF-8 bytes; the text gives way,
    never the link."""
    tail = f"\n\n{link}" if link else ""
    room = MARKDOWN_LIMIT - len(tail.encode())
    encoded = text.encode()
    if len(encoded) > room:
        text = encoded[: room - len("…".encode())].decode(errors="ignore") + "…"
    return text + tail


def signed_url(url, secret, timestamp_ms=None):
    """DingTalk's 加签: `timestamp` (milliseconds) and `sign`, the base64 HMAC-SHA256 of
    "timestamp\\nsecret" keyed with the secret, URL-encoded, appended to the robot's URL.
    DingTalk refuses a timestamp more than an hour off its clock."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    digest = hmac.new(
        secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return f"{url}&timestamp={timestamp}&sign={quote_plus(base64.b64encode(digest))}"


def _pool():
    timeout = settings.WEBHOOK_TIMEOUT
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=min(timeout, 5), read=timeout),
        retries=False,
        headers={"Content-Type": "application/json; charset=utf-8"},
    )


def post(webhook, message, pool=None):
    """Deliver `message` to `webhook`'s robot. Raises PermanentFailure when trying again cannot
    help, RobotError (or urllib3's errors) when it may."""
    try:
        # Checked again here, not only in the form: settings change, and the admin or a
        # script can write a row without the form.
        validate_webhook_url(webhook.kind, webhook.url)
    except ValidationError as exc:
        raise PermanentFailure(f"address refused: {' '.join(exc.messages)}") from exc
    url = webhook.url
    if webhook.kind == Webhook.Kind.DINGTALK and webhook.secret:
        url = signed_url(url, webhook.secret)
    body = json.dumps(payload(webhook.kind, message), ensure_ascii=False).encode()
    response = (pool or _pool()).request("POST", url, body=body, redirect=False)
    status = response.status
    if status >= 500 or status in RETRYABLE_4XX:
        raise RobotError(f"HTTP {status}")
    if status != 200:
        raise PermanentFailure(f"HTTP {status}")
    try:
        reply = json.loads(response.data)
        errcode = int(reply.get("errcode", 0))
    except (ValueError, TypeError, AttributeError):
        # Not the robot's JSON: a proxy or captive page in between; it may go away.
        raise RobotError(f"HTTP 200 without the robot's reply: {response.data[:200]!r}") from None
    if errcode == 0:
        return
    problem = f"errcode {errcode}: {str(reply.get('errmsg', ''))[:200]}"
    if errcode in RETRYABLE_ERRCODES[webhook.kind]:
        raise RobotError(problem)
    raise PermanentFailure(problem)


def application_link(application_id):
    return settings.SITE_URL + reverse("tracker:application", args=[application_id])


class ReminderMessages:
    """The robot messages of one claimed batch: one rendering per (milestone, lead, language,
    open items, previous date), like the mails, since robots of many firms share a milestone."""

    def __init__(self, reminders):
        self._open_items = open_items(reminders)
        self._previous_due_on = previous_due_dates(reminders)
        self._rendered = {}

    def message(self, reminder):
        language = reminder.webhook.language
        items = self._open_items.get(reminder.application_id, ())
        previous_due_on = self._previous_due_on.get(reminder.pk)
        key = (reminder.milestone_id, reminder.lead_days, language, items, previous_due_on)
        if key not in self._rendered:
            self._rendered[key] = self._render(reminder, language, items, previous_due_on)
        title, text = self._rendered[key]
        return Message(title, text, application_link(reminder.application_id))

    @staticmethod
    def _render(reminder, language, items, previous_due_on):
        with translation.override(language):
            ctx = {
                **reminder_context(reminder, items, previous_due_on),
                "zone": reminder.milestone.program.zone_time,
            }
            title = header_text(
                render_to_string("tracker/emails/reminder-subject.txt", ctx), limit=120
            )
            return title, render_to_string("tracker/webhooks/reminder.md", ctx).strip()


class WebhookChannel(Channel):
    """Reminders to organizations' group robots, one HTTP request per row over pooled
    connections. Each request is bounded by WEBHOOK_TIMEOUT, below the task timeout.

    Other messages reuse it by overriding prepare() only: any outbox row with a `webhook`
    goes out once `self.messages.message(row)` returns its Message."""

    def __init__(self):
        self.messages = None
        self.pool = None

    def prepare(self, batch):
        self.messages = ReminderMessages(batch)

    def open(self):
        self.pool = _pool()

    def send(self, reminder):
        post(reminder.webhook, self.messages.message(reminder), self.pool)

    def reset(self):
        self.pool.clear()

    def close(self):
        if self.pool is not None:
            self.pool.clear()
