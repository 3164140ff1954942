"""What an alert says, independent of the channel: a title, a short text and a link.

Every channel words an alert from `render(message, language)`: the email channel puts the
title in the subject and the text and link in the body (`AlertMails`), the notification centre
shows the same three, and a webhook channel (a WeCom or DingTalk group robot) posts them as its
markdown message. The text is rendered in the reader's language from the message's stored facts,
so one message reads in Chinese for one member and in English for another.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tracker.eligibility import Summary
from tracker.models import AlertKind, Contact
from tracker.notifications.channels.webhook import Message, WebhookChannel
from tracker.notifications.emails import header_text

BEIJING = "Asia/Shanghai"


@dataclass(frozen=True)
class AlertText:
    title: str
    text: str
    path: str  # the site's page (the program, or the application): links within the site

    @property
    def url(self):
        """Absolute, for mail and robots."""
        return settings.SITE_URL + self.path


def zone_label(program):
    return _("Beijing time") if program.timezone == BEIJING else program.timezone


def render(message, language):
    """`message` (with its program, authority and organization loaded) in `language`."""
    with translation.override(language):
        if message.kind == AlertKind.VERDICT_CHANGE:
            return _verdict_change(message)
        if message.kind == AlertKind.OPENED:
            return _opened(message)
        if message.kind == AlertKind.SAVED_SEARCH:
            return _saved_search(message)
        return _new_match(message)


def _new_match(message):
    program, organization = message.program, message.organization
    eligible = message.verdict == Summary.ELIGIBLE
    title = (_("A program you can apply for: %(program)s") if eligible
             else _("A program that may suit you: %(program)s")) % {"program": program.short_name}
    lines = [
        _("%(organization)s matches %(program)s (%(authority)s).") % {
            "organization": organization.name, "program": program.title,
            "authority": program.authority,
        },
        _("Verdict: %(verdict)s") % {"verdict": Summary(message.verdict).label},
    ]
    dates = {"zone": zone_label(program), "deadline": date_format(program.deadline)}
    if program.opens_on and program.local_today() < program.opens_on:
        lines.append(
            _("Applications open on %(opens)s and close on %(deadline)s (%(zone)s), that day "
              "included.") % {**dates, "opens": date_format(program.opens_on)}
        )
    else:
        lines.append(_("Applications close on %(deadline)s (%(zone)s), that day included.")
                     % dates)
    if not eligible:
        lines.append(_("Some of your organization's answers are missing: open the program to "
                       "see what the conditions ask."))
    lines.append(_("Track it to get its checklist and the deadline reminders."))
    return AlertText(title, "\n".join(lines), reverse("tracker:program", args=[program.slug]))


def _opened(message):
    program = message.program
    title = _("Applications are open: %(program)s") % {"program": program.short_name}
    lines = [
        _("%(program)s (%(authority)s), which you asked about for %(organization)s, takes "
          "applications since %(opens)s.") % {
            "program": program.title, "authority": program.authority,
            "organization": message.organization.name, "opens": date_format(program.opens_on),
        },
        _("Applications close on %(deadline)s (%(zone)s), that day included.")
        % {"zone": zone_label(program), "deadline": date_format(program.deadline)},
        _("Track it to get its checklist and the deadline reminders."),
    ]
    return AlertText(title, "\n".join(lines), reverse("tracker:program", args=[program.slug]))


def _saved_search(message):
    program = message.program
    title = _("New in your saved search “%(search)s”: %(program)s") % {
        "search": message.saved_search.name, "program": program.short_name,
    }
    lines = [
        _("%(program)s (%(authority)s) now matches the filters you saved as “%(search)s”.") % {
            "program": program.title, "authority": program.authority,
            "search": message.saved_search.name,
        },
        _("Applications close on %(deadline)s (%(zone)s), that day included.")
        % {"zone": zone_label(program), "deadline": date_format(program.deadline)},
    ]
    return AlertText(title, "\n".join(lines), reverse("tracker:program", args=[program.slug]))


def _verdict_change(message):
    program = message.program
    title = _("The verdict for %(program)s changed: %(verdict)s") % {
        "program": program.short_name, "verdict": Summary(message.verdict).label,
    }
    lines = [
        _("An administrator changed the conditions of %(program)s.") % {"program": program.title}
    ]
    lines += [change_sentence(change, program) for change in message.changes]
    path = reverse("tracker:application", args=[message.application_id])
    return AlertText(title, "\n".join(lines), path)


def change_sentence(change, program):
    """One rule's change and what to do about it, from the facts `alerts.tell_verdict_changes`
    stored: {"rule", "label", "before", "after", "reason", "fix"} (reason and fix in the
    language of the change's author are kept only as a fallback; known rules are worded here,
    in the reader's language)."""
    if change["rule"] == "co_builders" and change.get("count") is not None:
        params = {
            "before": change["before"], "after": change["after"], "count": change["count"],
            "excess": change["count"] - change["after"], "deadline": _short_date(program),
        }
        if params["excess"] > 0:
            return _("The limit on co-building units changed from %(before)s to %(after)s; "
                     "your application has %(count)s: remove %(excess)s by %(deadline)s.") % params
        return _("The limit on co-building units changed from %(before)s to %(after)s; your "
                 "application has %(count)s, within the limit.") % params
    return _("%(label)s: %(reason)s %(fix)s") % {
        "label": change["label"], "reason": change["reason"], "fix": change.get("fix", ""),
    }


def _short_date(program):
    # Django's Chinese MONTH_DAY_FORMAT pads the month ("04月20日"); a notice writes "4月20日".
    # Translators: a Django date format for a day without the year.
    return date_format(program.deadline, _("F j")) if program.deadline else "—"


def reader_languages(deliveries):
    """{(user id, organization id): language} from the members' reminder settings (their
    Contact rows), in one query; a member without one reads Chinese."""
    users = {d.user_id for d in deliveries}
    organizations = {d.message.organization_id for d in deliveries}
    rows = Contact.objects.filter(user__in=users, organization__in=organizations)
    return {(u, o): lang for u, o, lang in rows.values_list("user", "organization", "language")}


class AlertMails:
    """The mails of a claimed batch of email deliveries (the email channel's `mails_class`).

    Each alert goes to one reader, so there is no shared rendering to splice as for reminders:
    every message takes Django's own path (`sendmail_args` is None)."""

    def __init__(self, deliveries):
        self._languages = reader_languages(deliveries)

    def message(self, delivery, connection=None):
        alert = delivery.message
        language = self._languages.get((delivery.user_id, alert.organization_id), "zh-hans")
        text = render(alert, language)
        with translation.override(language):
            ctx = {"alert": text, "settings_url": settings.SITE_URL + reverse("tracker:alerts")}
            body = render_to_string("tracker/emails/alert-body.txt", ctx)
            html = render_to_string("tracker/emails/alert-body.html", ctx)
        message = EmailMultiAlternatives(
            header_text(text.title, limit=200), body, to=[delivery.user.email],
            connection=connection, headers={"X-Alert-Key": f"{alert.pk}:{delivery.user_id}"},
        )
        message.attach_alternative(html, "text/html")
        return message

    def sendmail_args(self, delivery):
        return None


class AlertRobotMessages:
    """The robot messages of a claimed batch of robot deliveries, in each robot's language;
    the robots of one organization share a message, rendered once per language."""

    def __init__(self):
        self._rendered = {}

    def message(self, delivery):
        key = (delivery.message_id, delivery.webhook.language)
        if key not in self._rendered:
            text = render(delivery.message, delivery.webhook.language)
            # One line each: DingTalk's markdown joins lines a single newline separates.
            markdown = text.text.replace("\n", "\n\n")
            self._rendered[key] = Message(header_text(text.title, limit=120), markdown, text.url)
        return self._rendered[key]


class AlertRobotChannel(WebhookChannel):
    """Alerts to organizations' group robots: the webhook channel with alert texts."""

    def prepare(self, batch):
        self.messages = AlertRobotMessages()
