"""Program conditions entered as rows, several per program, each citing the notice's clause:
thresholds on an organization's facts, qualifications to hold, and conditions nobody but the
firm can judge (confirmed per application)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.models.facts import Fact, Qualification, fact_value_field, fact_year_field
from tracker.models.translated import localized


class ProgramCondition(models.Model):
    """What the rows have in common: their program, order and clause."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    clause = models.TextField(
        _("clause"), blank=True, help_text=_("The notice's own words, shown with the finding.")
    )

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class FactThreshold(ProgramCondition):
    """"2024年主营业务收入不低于2000万元": a bound on one fact, in the year the notice names."""

    class Bound(models.TextChoices):
        AT_LEAST = "at_least", _("at least")
        AT_MOST = "at_most", _("at most")

    program = models.ForeignKey(
        "tracker.Program", on_delete=models.CASCADE, related_name="fact_thresholds"
    )
    fact = models.CharField(_("fact"), max_length=20, choices=Fact.choices)
    bound = models.CharField(
        _("bound"), max_length=10, choices=Bound.choices, default=Bound.AT_LEAST
    )
    value = fact_value_field(_("limit"))
    year = fact_year_field(
        _("reference year"),
        null=True,
        blank=True,
        help_text=_("The year the notice names; empty: the latest year the firm gave."),
    )

    class Meta(ProgramCondition.Meta):
        verbose_name = _("threshold on a fact")
        verbose_name_plural = _("thresholds on facts (revenue, employees, R&D ratio …)")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0), name="tracker_fact_threshold_value_not_negative"
            )
        ]

    def __str__(self):
        return f"{self.get_fact_display()} {self.get_bound_display()} {self.value}"

    def clean(self):
        if self.fact == Fact.YEARS_REGISTERED and self.year is not None:
            raise ValidationError(
                {"year": _("Years since registration are counted to the deadline: leave the "
                           "reference year empty.")},
                code="year_not_applicable",
            )


class QualificationRequirement(ProgramCondition):
    """"须为高新技术企业或专精特新企业": rows sharing a group number are alternatives (any one
    is enough), and every group must be met."""

    program = models.ForeignKey(
        "tracker.Program", on_delete=models.CASCADE, related_name="qualification_requirements"
    )
    qualification = models.ForeignKey(
        Qualification, on_delete=models.PROTECT, related_name="+", verbose_name=_("qualification")
    )
    group = models.PositiveSmallIntegerField(
        _("group"),
        default=1,
        help_text=_("Rows with the same group number are alternatives: holding one is enough."),
    )

    class Meta(ProgramCondition.Meta):
        ordering = ["group", "position", "id"]
        verbose_name = _("qualification required")
        verbose_name_plural = _("qualifications required (高新技术企业, 专精特新 …)")

    def __str__(self):
        return str(self.qualification)


class ManualCondition(ProgramCondition):
    """A condition the site cannot judge ("近三年无重大安全事故"): the firm reads the clause and
    confirms it. Unlike an attestation on the checklist (work to hand in), an unconfirmed
    condition leaves the verdict incomplete."""

    program = models.ForeignKey(
        "tracker.Program", on_delete=models.CASCADE, related_name="manual_conditions"
    )
    text_zh = models.CharField(_("condition (Chinese)"), max_length=300)
    text_en = models.CharField(_("condition (English)"), max_length=300, blank=True)

    class Meta(ProgramCondition.Meta):
        verbose_name = _("condition to confirm")
        verbose_name_plural = _("conditions the applicant confirms itself")

    def __str__(self):
        return self.text

    @property
    def text(self):
        return localized(self, "text")


class ConditionConfirmation(models.Model):
    """An application's confirmation that it meets a manual condition, with who and when."""

    application = models.ForeignKey(
        "tracker.Application", on_delete=models.CASCADE, related_name="confirmations"
    )
    condition = models.ForeignKey(ManualCondition, on_delete=models.CASCADE, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "condition"], name="tracker_condition_confirmed_once"
            )
        ]

    def __str__(self):
        return f"{self.application} · {self.condition}"
