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
