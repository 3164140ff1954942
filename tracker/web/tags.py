"""Template tags (`{% load tracker %}`) for the pieces pages repeat many times, rendered in
Python.

A verdict's findings are listed on every result card of the self-check (20 cards of half a
dozen findings a page), on the firm's application cards and on the printable statement.
Through the template engine a finding (a badge, three or four translated texts, the notice's
clause) cost about a tenth of a millisecond, so the cards of one self-check page took three
times the site's whole empty page; in Python it is a fraction of that. Django's admin renders
the rows of its change lists in Python for the same reason (`admin_list.items_for_result`).
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tracker.eligibility import Outcome

register = template.Library()


@register.simple_tag
def finding_item(finding, confirm_for=None, with_requirement=False):
    """One finding as a list item: its label and outcome badge, the requirement (on the
    statement), the reason, what to do, the notice's clause and, on the card of an
    application `confirm_for` that is not locked, the box confirming a condition (it belongs
    to the card's form `confirm-<application id>`)."""
    parts = [
        format_html(
            '<li><strong>{}</strong> <span class="badge {}">{}</span>',
            finding.label, finding.outcome, finding.outcome_label,
        )
    ]
    if with_requirement:
        parts.append(format_html("<div>{}</div>", finding.requirement))
    parts.append(format_html("<div>{}</div>", finding.reason))
    if finding.fix:
        parts.append(format_html(
            '<div class="fix">{}</div>', _("What to do: %(fix)s") % {"fix": finding.fix}
        ))
    if finding.confirm and confirm_for and not confirm_for.is_locked:
        parts.append(format_html(
            '<label class="confirm"><input type="checkbox" name="conditions" value="{}" '
            'form="confirm-{}"{}> {}</label>',
            finding.confirm, confirm_for.pk,
            mark_safe(" checked") if finding.outcome == Outcome.PASS else "",
            _("We meet this"),
        ))
    if finding.citation:
        parts.append(format_html(
            '<blockquote class="citation" lang="zh-hans">{}</blockquote>',
            _("The notice says: “%(citation)s”") % {"citation": finding.citation},
        ))
    parts.append(mark_safe("</li>"))
    return mark_safe("\n".join(parts))  # noqa: S308 (every piece escaped by format_html)
