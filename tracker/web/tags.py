"""Template tags (`{% load tracker %}`) for the pieces pages repeat many times, rendered in
Python.

A verdict's findings are listed on every result card of the self-check (20 cards of half a
dozen findings a page), on the firm's application cards and on the printable statement.
Through the template engine a finding (a badge, three or four translated texts, the notice's
clause) cost about a tenth of a millisecond, and a card's title, dates and summary as much
again, so the cards of one self-check page took three times the site's whole empty page; in
Python it is a fraction of that. Django's admin renders the rows of its change lists in Python
for the same reason (`admin_list.items_for_result`).
"""


from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker.eligibility import Outcome, Summary
from tracker.notifications.emails import owner_name
from tracker.web.widgets import escaped_text

register = template.Library()


@register.simple_tag
def finding_items(findings, confirm_for=None, with_requirement=False):
    """The findings as list items: each one's label and outcome badge, the requirement (on
    the statement), the reason, what to do, the notice's clause and, on the card of an
    application `confirm_for` that is not locked, the box confirming a condition (it belongs
    to the card's form `confirm-<application id>`)."""
    confirming = confirm_for and not confirm_for.is_locked
    items = []
    for finding in findings:
        parts = [
            f"<li><strong>{escaped_text(finding.label)}</strong> "
            f'<span class="badge {escaped_text(finding.outcome)}">'
            f"{escaped_text(finding.outcome_label)}</span>"
        ]
        if with_requirement:
            parts.append(f"<div>{escaped_text(finding.requirement)}</div>")
        parts.append(f"<div>{escaped_text(finding.reason)}</div>")
        if finding.fix:
            fix = _("What to do: %(fix)s") % {"fix": finding.fix}
            parts.append(f'<div class="fix">{escaped_text(fix)}</div>')
        if finding.confirm and confirming:
            checked = " checked" if finding.outcome == Outcome.PASS else ""
            meet = _("We meet this")
            parts.append(
                f'<label class="confirm"><input type="checkbox" name="conditions" '
                f'value="{escaped_text(finding.confirm)}" '
                f'form="confirm-{escaped_text(confirm_for.pk)}"'
                f"{checked}> {escaped_text(meet)}</label>"
            )
        if finding.citation:
            citation = _("The notice says: “%(citation)s”") % {"citation": finding.citation}
            parts.append(
                f'<blockquote class="citation" lang="zh-hans">{escaped_text(citation)}</blockquote>'
            )
        parts.append("</li>")
        items.append("\n".join(parts))
    return mark_safe("\n".join(items))  # noqa: S308 (every text escaped by _text)


@register.simple_tag
def verdict_summary(verdict):
    """"Eligibility: <badge>", then the priority signals in the applicant's favour (or that
    would count were the unmet rules fixed). Priority only counts for an application that may
    go ahead: it is secondary, plain text below the verdict, not a second badge competing
    with it."""
    summary, eligibility = verdict.summary, _("Eligibility:")
    html = (
        f'<p class="summary">{escaped_text(eligibility)} '
        f'<span class="badge {escaped_text(summary)}">'
        f"{escaped_text(Summary(summary).label)}</span></p>"
    )
    if score := verdict.priority_score:
        if summary == Summary.NOT_ELIGIBLE:
            line = ngettext(
                "Were the unmet rules fixed, %(score)s priority signal would count.",
                "Were the unmet rules fixed, %(score)s priority signals would count.",
                score,
            )
        else:
            line = ngettext(
                "%(score)s priority signal in your favour.",
                "%(score)s priority signals in your favour.",
                score,
            )
        html += f'\n  <p class="meta priority">{escaped_text(line % {"score": score})}</p>'
    return mark_safe(html)  # noqa: S308 (every text escaped by _text)


@register.simple_tag
def result_cards(verdicts):
    """The self-check's result cards: each program's title (linked) and issuer, its deadline
    and its verdict with the findings."""
    # The words every card repeats, translated once (xgettext finds no call inside an
    # f-string).
    example, deadline_label = _("Example data"), _("Deadline")
    cards = []
    for verdict in verdicts:
        program = verdict.program
        demo = (f' <span class="badge demo">{escaped_text(example)}</span>'
                if program.is_demo else "")
        deadline = date_format(program.deadline, "DATE_FORMAT") if program.deadline else ""
        cards.append(
            '<article class="card">\n'
            f'  <h3><a href="{escaped_text(reverse("tracker:program", args=[program.slug]))}">'
            f"{escaped_text(program.title)}</a>{demo}</h3>\n"
            f'  <div class="meta">{escaped_text(program.authority)} · '
            f"{escaped_text(deadline_label)} "
            f"{escaped_text(deadline)}</div>\n"
            f'  <div class="verdict">\n  {verdict_summary(verdict)}\n'
            f'  <ul class="findings">\n{finding_items(verdict.findings)}\n  </ul>\n  </div>\n'
            "</article>"
        )
    return mark_safe("\n".join(cards))  # noqa: S308 (every text escaped by _text)


@register.simple_tag
def days_left_badge(status, days_left):
    """The badge beside a deadline: the days left while the program takes applications,
    otherwise where it stands (`Program.status_on()`)."""
    if status in ("open", "closing"):
        if days_left == 0:
            text = _("Last day today")
        else:
            text = _("Days left: %(days)s") % {"days": days_left}
    elif status == "upcoming":
        text = _("Not open yet")
    elif status == "closed":
        text = _("Closed")
    else:
        text = _("Dates not set")
    return mark_safe(  # noqa: S308 (escaped)
        f'<span class="badge {escaped_text(status)}">{escaped_text(text)}</span>'
    )


@register.simple_tag
def materials_line(materials):
    """"Materials 3/7 · Next: <item>, due by <date>", or that every required item is ready
    (`selectors.applications.Materials`); nothing for a program without a checklist."""
    if not materials.total:
        return ""
    done = _("Materials %(done)s/%(total)s") % {"done": materials.done, "total": materials.total}
    if (next_row := materials.next) is None:
        rest = _("every required item is ready.")
    else:
        item = next_row.item.title
        if next_row.owner:
            rest = _("%(owner)s is responsible for %(item)s") % {
                "owner": owner_name(next_row.owner), "item": item,
            }
        else:
            rest = _("Next: %(item)s") % {"item": item}
        if next_row.due_on:
            date = date_format(next_row.due_on, "DATE_FORMAT")
            rest += _(", due by %(date)s") % {"date": date}
    return mark_safe(  # noqa: S308 (escaped)
        f'<p class="materials"><strong>{escaped_text(done)}</strong> · {escaped_text(rest)}</p>'
    )


@register.simple_tag
def application_lines(rows):
    """The dashboard's line per application (`selectors.applications.dashboard_rows`): the
    program (linked to the application's page, where its checklist and forms are), the lead
    applicant, the status and deadline, the verdict's summary, the materials and the
    co-building units, and the messages about it."""
    words = {
        "status": _("Status:"), "deadline": _("Deadline"), "example": _("Example data"),
    }
    lines = []
    for row in rows:
        application, program = row["application"], row["program"]
        url = reverse("tracker:application", args=[application.pk])
        told = "".join(
            f'<li class="{escaped_text(m.level_tag)}">{escaped_text(m)}</li>'
            for m in row.get("messages", [])
        )
        demo = (f' <span class="badge demo">{escaped_text(words["example"])}</span>'
                if program.is_demo else "")
        lead = _("Lead applicant: %(organization)s") % {"organization": application.organization}
        deadline = (
            f'{escaped_text(words["deadline"])} '
            f'{escaped_text(date_format(program.deadline, "DATE_FORMAT"))} '
            if program.deadline else ""
        )
        lines.append(
            f'<li class="card application-line" id="application-{application.pk}">\n'
            + (f'  <ul class="messages" role="status">{told}</ul>\n' if told else "")
            + f'  <h2><a href="{escaped_text(url)}">{escaped_text(program.title)}</a>{demo}</h2>\n'
            f'  <div class="meta">{escaped_text(lead)} · {escaped_text(words["status"])} '
            f"<strong>{escaped_text(application.get_status_display())}</strong> · "
            f'{deadline}{days_left_badge(row["status"], row["days_left"])}</div>\n'
            f'  {verdict_summary(row["verdict"])}\n'
            f'  {materials_line(row["materials"])}\n'
            f'  <p class="meta">{escaped_text(co_builder_count(program, row))}</p>\n'
            "</li>"
        )
    return mark_safe("\n".join(lines))  # noqa: S308 (every text escaped by _text)


def co_builder_count(program, row):
    """"Co-building units: 2 of at most 5 · 1 awaiting confirmation"."""
    count, limit = row["co_builders"], program.max_co_builders
    if limit is None:
        text = _("Co-building units: %(count)s") % {"count": count}
    else:
        text = _("Co-building units: %(count)s of at most %(limit)s") % {
            "count": count, "limit": limit,
        }
    if unconfirmed := row["unconfirmed"]:
        waiting = ngettext(
            "%(count)s awaiting confirmation", "%(count)s awaiting confirmation", unconfirmed
        )
        text += " · " + waiting % {"count": unconfirmed}
    return text
