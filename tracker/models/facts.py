"""What an organization states about itself for the rules that read numbers and qualifications:
yearly facts (revenue, employees, R&D ratio, registered capital) and the qualifications it holds.

Notices name the year a figure refers to ("2024年主营业务收入不低于2000万元"), so each fact is
kept per year; a figure nobody entered is "not known yet" to the rules, never a zero.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.models.translated import localized

# Years a fact may refer to: registrations in the PRC's current company register start in the
# 1980s, and a notice never asks for a year after next.
FIRST_FACT_YEAR, LAST_FACT_YEAR = 1980, 2100


class Fact(models.TextChoices):
    """The facts a threshold can read. `YEARS_REGISTERED` is computed from the registration
    date, the others are entered per year."""

    MAIN_REVENUE = "main_revenue", _("Main-business revenue")
    EMPLOYEES = "employees", _("Number of employees")
    RD_RATIO = "rd_ratio", _("R&D expenses as a share of revenue")
    REGISTERED_CAPITAL = "registered_capital", _("Registered capital")
    YEARS_REGISTERED = "years_registered", _("Years since registration")

    @property
    def unit(self):
        return FACT_UNITS[self]

    @classmethod
    def entered(cls):
        """The facts a firm enters as figures (the years registered come from a date)."""
        return [(value, label) for value, label in cls.choices if value != cls.YEARS_REGISTERED]


FACT_UNITS = {
    Fact.MAIN_REVENUE: _("10,000 yuan"),
    Fact.EMPLOYEES: _("people"),
    Fact.RD_RATIO: _("%"),
    Fact.REGISTERED_CAPITAL: _("10,000 yuan"),
    Fact.YEARS_REGISTERED: _("years"),
}


def fact_value_field(verbose_name):
    return models.DecimalField(
        verbose_name,
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )


def fact_year_field(verbose_name, **kwargs):
    return models.PositiveSmallIntegerField(
        verbose_name,
        validators=[MinValueValidator(FIRST_FACT_YEAR), MaxValueValidator(LAST_FACT_YEAR)],
        **kwargs,
    )


class Qualification(models.Model):
    """A recognition a firm can hold (高新技术企业, 专精特新中小企业 …): a list kept as data, so an
    administrator adds the next one in the admin (or in the seed taxonomy) without code."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")

    def __str__(self):
        return localized(self, "name")


class OrganizationFact(models.Model):
    organization = models.ForeignKey(
        "tracker.Organization", on_delete=models.CASCADE, related_name="facts"
    )
    fact = models.CharField(_("fact"), max_length=20, choices=Fact.entered())
    year = fact_year_field(_("year"))
    value = fact_value_field(_("value"))

    class Meta:
        ordering = ["fact", "-year"]
        verbose_name = _("organization fact")
        verbose_name_plural = _("organization facts")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "fact", "year"], name="tracker_organization_fact_once"
            )
        ]

    def __str__(self):
        return f"{self.get_fact_display()} {self.year}: {self.value}"


class HeldQualification(models.Model):
    """A qualification an organization holds, until the end of `valid_until`."""

    organization = models.ForeignKey(
        "tracker.Organization", on_delete=models.CASCADE, related_name="held_qualifications"
    )
    qualification = models.ForeignKey(
        Qualification, on_delete=models.PROTECT, related_name="+", verbose_name=_("qualification")
    )
    valid_until = models.DateField(_("valid until"))

    class Meta:
        ordering = ["qualification__position", "qualification_id"]
        verbose_name = _("held qualification")
        verbose_name_plural = _("held qualifications")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "qualification"], name="tracker_held_qualification_once"
            )
        ]

    def __str__(self):
        return str(self.qualification)
