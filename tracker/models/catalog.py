"""The shared vocabulary programs and organizations point at: regions, authorities, sectors."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.models.translated import localized


class Region(models.Model):
    """An administrative division, keyed by its GB/T 2260 code (450000 Guangxi, 450200 Liuzhou).

    The whole hierarchy (provinces, cities, counties) is loaded from `seeds/regions/`; `parent`
    serves the cascading pickers, while containment is read off the code itself (see
    `contains`), so a program open to a province needs no walk down the tree.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County / district")

    code = models.CharField(_("division code"), max_length=6, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    level = models.CharField(
        _("level"), max_length=10, choices=Level.choices, default=Level.PROVINCE
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{6}$"), name="tracker_region_code_six_digits"
            )
        ]

    def __str__(self):
        return localized(self, "name")

    @property
    def prefix(self):
        """The significant part of the code: 45 for a province, 4502 for a city."""
        code = self.code
        while code.endswith("00") and len(code) > 2:
            code = code[:-2]
        return code

    def contains(self, other):
        return other.code.startswith(self.prefix)

    @classmethod
    def named_at_start_of(cls, name):
        """The region an authority's name starts with ("柳州市工业和信息化局": 柳州市), or None
        when no region, or more than one of the longest name, matches."""
        prefixes = [name[:end] for end in range(2, len(name))]
        regions = sorted(cls.objects.filter(name_zh__in=prefixes), key=lambda r: -len(r.name_zh))
        if not regions or (len(regions) > 1 and regions[0].name_zh == regions[1].name_zh):
            return None
        return regions[0]

    def enclosing_codes(self):
        """The codes of this division and of those containing it (each `contains` it): for
        城中区 450202, Liuzhou 450200 and Guangxi 450000."""
        return list(dict.fromkeys([self.code[:2] + "0000", self.code[:4] + "00", self.code]))


class Authority(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial / autonomous region")
        MUNICIPAL = "municipal", _("Municipal")
        DISTRICT = "district", _("District / county")

    name_zh = models.CharField(_("name (Chinese)"), max_length=200, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    short_name_zh = models.CharField(_("short name (Chinese)"), max_length=50, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="authorities", verbose_name=_("region")
    )

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("issuing authority")
        verbose_name_plural = _("issuing authorities")

    def __str__(self):
        return localized(self, "name")


class Sector(models.Model):
    """The shared sector taxonomy that programs prioritise and organizations declare."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=50, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return localized(self, "name")

