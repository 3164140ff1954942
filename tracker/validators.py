"""Validation of the unified social credit code (统一社会信用代码, GB 32100-2015)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The 31 characters the standard allows: digits and capitals without I, O, Z, S and V.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_LENGTH = 18
# Position 1: the registering authority (机构编制, 外交, 司法行政, 文化, 民政, 旅游, 宗教, 工会,
# 工商, 中央军委改革和编制办公室, 农业, 其他).
REGISTRATION_AUTHORITIES = "123456789ANY"
# Weight of position i is 3**i mod 31.
CREDIT_CODE_WEIGHTS = [pow(3, i, 31) for i in range(CREDIT_CODE_LENGTH - 1)]


def normalize_credit_code(value):
    """The code as it must be stored: without surrounding spaces, in capitals, full-width
    characters (typed with a Chinese input method: ９１３５…) made half-width."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def credit_code_check_character(first17):
    total = sum(
        CREDIT_CODE_ALPHABET.index(ch) * w
        for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value):
    """Raise a ValidationError with a specific code for each way a credit code can be wrong."""
    if len(value) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            _("A unified social credit code has exactly %(limit)d characters; this one has %(n)d."),
            code="credit_code_length",
            params={"limit": CREDIT_CODE_LENGTH, "n": len(value)},
        )
    for position, ch in enumerate(value, start=1):
        if ch not in CREDIT_CODE_ALPHABET:
            raise ValidationError(
                _(
                    "Character %(position)d (“%(char)s”) is not allowed in a unified social "
                    "credit code: use digits and capital letters except I, O, S, V and Z."
                ),
                code="credit_code_character",
                params={"position": position, "char": ch},
            )
    if value[0] not in REGISTRATION_AUTHORITIES:
        raise ValidationError(
            _(
                "The first character of a unified social credit code must name a registering "
                "authority (1–9, A, N or Y)."
            ),
            code="credit_code_authority",
        )
    if not value[2:8].isdigit():
        raise ValidationError(
            _(
                "Characters 3 to 8 of a unified social credit code must be the six digits of an "
                "administrative division code."
            ),
            code="credit_code_region",
        )
    expected = credit_code_check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _(
                "The check character of this unified social credit code is wrong: with these first "
                "17 characters it must be “%(expected)s”."
            ),
            code="credit_code_checksum",
            params={"expected": expected},
        )
