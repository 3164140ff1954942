"""Content kept in two languages as `<field>_zh` / `<field>_en` pairs."""

from django.utils.translation import get_language


def localized(obj, field):
    """`obj.<field>_en` when the active language is English and it is filled, else `_zh`: every
    notice is published in Chinese, so the Chinese text is the one always there."""
    return chosen(getattr(obj, f"{field}_zh"), getattr(obj, f"{field}_en", ""), reads_english())


def reads_english():
    return (get_language() or "").startswith("en")


def chosen(chinese, english, in_english):
    """The text `localized` shows of a pair, for a caller that asks the language once for
    hundreds of pairs."""
    return english if in_english and english else chinese
