"""locale/ must stay complete: every string has a Chinese and an English translation."""

import re

import pytest
from django.conf import settings

ENTRY = re.compile(
    r'^msgid "(.*?)"\n(?:msgid_plural ".*?"\n)?((?:msgstr(?:\[\d\])? ".*"\n(?:".*"\n)*)+)',
    re.MULTILINE,
)


DOMAINS = ["django", "djangojs"]


def entries(language, domain="django"):
    text = (settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / f"{domain}.po").read_text()
    # Join continuation lines so each msgid and msgstr sits on one line.
    text = re.sub(r'"\n"', "", text)
    found = {}
    for msgid, msgstrs in ENTRY.findall(text):
        if msgid:
            found[msgid] = re.findall(r'msgstr(?:\[\d\])? "(.*)"', msgstrs)
    return found, text


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_every_string_is_translated(language, domain):
    found, text = entries(language, domain)
    assert len(found) > (100 if domain == "django" else 5)
    untranslated = [msgid for msgid, msgstrs in found.items() if not all(msgstrs)]
    assert untranslated == []
    assert "#, fuzzy" not in text.split("\n\n", 1)[1]


@pytest.mark.parametrize("domain", DOMAINS)
def test_both_languages_have_the_same_strings(domain):
    assert entries("zh_Hans", domain)[0].keys() == entries("en", domain)[0].keys()


@pytest.mark.parametrize("domain", DOMAINS)
def test_placeholders_survive_translation(domain):
    for msgid, msgstrs in entries("zh_Hans", domain)[0].items():
        expected = sorted(re.findall(r"%\(\w+\)[sd]|%s|\{\}", msgid))
        for msgstr in msgstrs:
            assert sorted(re.findall(r"%\(\w+\)[sd]|%s|\{\}", msgstr)) == expected, msgid
