import os

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from tracker.checks import check_email, check_task_queue, check_translations

GOOD_QUEUE = {"orm": "default", "timeout": 120, "retry": 180, "catch_up": False, "max_attempts": 1}


def ids(problems):
    return [p.id for p in problems]


@override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
def test_the_shipped_settings_with_smtp_pass_every_check():
    assert check_email(None) == [] and check_task_queue(None) == []


@override_settings(DEBUG=False, EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
def test_console_mail_in_production_is_a_warning():
    assert ids(check_email(None)) == ["tracker.W001"]


@pytest.mark.parametrize("timeout", [None, 120, 600])
def test_a_missing_or_too_long_email_timeout_is_a_warning(settings, timeout):
    settings.EMAIL_TIMEOUT = timeout
    assert "tracker.W002" in ids(check_email(None))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"orm": None}, "tracker.E001"),
        ({"timeout": 200}, "tracker.E002"),
        ({"catch_up": True}, "tracker.W003"),
        ({"max_attempts": 0}, "tracker.W004"),
    ],
)
def test_each_queue_pitfall_is_reported(settings, change, expected):
    conf = {**GOOD_QUEUE, **change}
    settings.Q_CLUSTER = {k: v for k, v in conf.items() if v is not None}
    assert ids(check_task_queue(None)) == [expected]


def test_a_sweep_that_could_outlast_the_task_timeout_is_a_warning(settings):
    settings.REMINDER_SWEEP_SECONDS = 110
    assert "tracker.W005" in ids(check_email(None))


@pytest.mark.parametrize("timeout", [0, 120, 600])
def test_a_missing_or_too_long_webhook_timeout_is_a_warning(settings, timeout):
    settings.WEBHOOK_TIMEOUT = timeout
    assert "tracker.W006" in ids(check_email(None))


def test_a_webhook_timeout_that_lets_a_sweep_outlast_the_task_timeout_is_a_warning(settings):
    settings.EMAIL_TIMEOUT, settings.WEBHOOK_TIMEOUT = 20, 70
    assert "tracker.W005" in ids(check_email(None))
    settings.WEBHOOK_TIMEOUT = 10
    assert not {"tracker.W005", "tracker.W006"} & set(ids(check_email(None)))


# --- Compiled translations ---------------------------------------------------------------------
def catalogue(tmp_path, compiled=True, stale=False):
    messages = tmp_path / "zh_Hans" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po, mo = messages / "django.po", messages / "django.mo"
    po.write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    if compiled:
        mo.write_bytes(b"")
        if stale:
            os.utime(mo, (po.stat().st_mtime - 60,) * 2)
    return tmp_path


@pytest.mark.parametrize(("compiled", "stale"), [(False, False), (True, True)])
def test_a_missing_or_stale_compiled_catalogue_is_an_error(settings, tmp_path, compiled, stale):
    settings.LOCALE_PATHS = [catalogue(tmp_path, compiled, stale)]
    [problem] = check_translations(None)
    assert problem.id == "tracker.E003" and "django.mo" in problem.msg


def test_manage_py_check_stops_on_uncompiled_translations(settings, tmp_path):
    """What a manual setup meets at `manage.py migrate` or `check`: the registered check."""
    settings.LOCALE_PATHS = [catalogue(tmp_path, compiled=False)]
    with pytest.raises(SystemCheckError, match="tracker.E003"):
        call_command("check")


def test_a_compiled_catalogue_as_new_as_its_source_passes(settings, tmp_path):
    settings.LOCALE_PATHS = [catalogue(tmp_path, compiled=True)]
    assert check_translations(None) == []
