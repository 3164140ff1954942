"""Content kept in two languages as `<field>_zh` / `<field>_en` pairs."""

from django.utils.translation import get_language


def localized(obj, field):
    """`obj.<field>_en` when the active language is English and it is filled, else `_zh`: every
    notice is published in Chinese, so the Chinese text is the one always there."""
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, f"{field}_zh")
