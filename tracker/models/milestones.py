"""The dated steps of a program: the applicants' deadline and the bureaus' stages."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.models.translated import localized


class Milestone(models.Model):
    """A dated step of a program; reminders follow the milestones whose audience is the reader."""

    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("Applicant deadline")
        STAGE = "stage", _("Other stage")

    class Audience(models.TextChoices):
        APPLICANT = "applicant", _("Applicants")
        BUREAU = "bureau", _("Recommending bureaus")

    program = models.ForeignKey(
        "tracker.Program", on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STAGE)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    due_on = models.DateField(_("due on"), help_text=_("Inclusive, in the program's time zone."))
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.APPLICANT
    )
    version = models.PositiveIntegerField(
        _("date version"), default=1, editable=False, help_text=_("Goes up when the date moves.")
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(kind="deadline"),
                name="tracker_milestone_one_deadline_per_program",
            )
        ]

    def __str__(self):
        return f"{localized(self, 'title')} ({self.due_on})"

    def save(self, *args, **kwargs):
        # A moved date is a new version: reminders planned for the old date no longer apply.
        if self.pk is not None:
            old = Milestone.objects.filter(pk=self.pk).values_list("due_on", flat=True).first()
            if old is not None and old != self.due_on:
                self.version += 1
        super().save(*args, **kwargs)

    @property
    def title(self):
        return localized(self, "title")
