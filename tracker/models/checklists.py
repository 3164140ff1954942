"""What a program asks applicants to submit or attest."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.models.translated import localized


class ChecklistItem(models.Model):
    """A material to submit or an attestation to make, ticked by each applicant."""

    class Kind(models.TextChoices):
        MATERIAL = "material", _("Material")
        ATTESTATION = "attestation", _("Attestation")

    program = models.ForeignKey(
        "tracker.Program", on_delete=models.CASCADE, related_name="checklist_items"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MATERIAL)
    required = models.BooleanField(_("required"), default=True)
    joint_only = models.BooleanField(
        _("joint applications only"),
        default=False,
        help_text=_("Only asked of applications with co-building units."),
    )
    fulfilled_by_co_builders = models.BooleanField(
        _("fulfilled by the co-building units"),
        default=False,
        help_text=_(
            "A list of the co-building units: done once the application has a confirmed "
            "co-building unit, with nothing to tick."
        ),
    )
    citation = models.TextField(_("citation"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return self.title

    @property
    def title(self):
        return localized(self, "title")


def checklist_progress(items, ticked_ids, *, joint, co_builders_confirmed=False):
    """(the required items, those of them not done yet) of a program's checklist `items`.

    Joint-only items (a partnership agreement) count unless the application is known to have
    no co-building units (`joint=False`). An item fulfilled by the co-building units is done
    once one of them has confirmed, whatever the ticks: the list is the partners themselves,
    and a tick could claim a partnership nobody confirmed. The eligibility rule, the card and
    the reminder mails all read this, so a firm is never told two different lists.
    """
    needed = [item for item in items if item.required and (joint or not item.joint_only)]
    done = [item_done(item, ticked_ids, co_builders_confirmed) for item in needed]
    return needed, [item for item, ok in zip(needed, done, strict=True) if not ok]


def item_done(item, ticked_ids, co_builders_confirmed):
    """Whether `item` is ready: ticked, or for the co-building units' list, confirmed."""
    if item.fulfilled_by_co_builders:
        return co_builders_confirmed
    return item.pk in ticked_ids
