"""Production settings: `check --deploy` is clean and logins are throttled."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Kq2" * 12,
    "ALLOWED_HOSTS": "tracker.example.org",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_secret_key_is_required_when_debug_is_off():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_console_mail_in_production_fails_the_deploy_check():
    env = {**PRODUCTION_ENV, "EMAIL_URL": "consolemail://"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "tracker.W001" in result.stderr + result.stdout


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
def test_the_admin_login_locks_out_after_5_failures(client, django_user_model):
    django_user_model.objects.create_superuser("boss", "boss@example.com", "right-password")
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "boss", "password": "wrong"})
    response = client.post(url, {"username": "boss", "password": "right-password"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
