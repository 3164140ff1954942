"""System checks for the settings and build steps that fail silently: reminders that reach
nobody, and a site that speaks English under its 简体中文 switch (docs/operations.md says why
each matters)."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register

UNDELIVERED_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@register()
def check_email(app_configs, **kwargs):
    problems = []
    if not settings.DEBUG and settings.EMAIL_BACKEND in UNDELIVERED_BACKENDS:
        problems.append(Warning(
            f"EMAIL_URL sends mail to {settings.EMAIL_BACKEND}: reminders will reach nobody.",
            hint="Set EMAIL_URL to the SMTP server, e.g. smtp+tls://user:password@host:587.",
            id="tracker.W001",
        ))
    timeout = settings.EMAIL_TIMEOUT
    task_timeout = settings.Q_CLUSTER.get("timeout", 60)
    slowest = max(timeout or 0, settings.WEBHOOK_TIMEOUT or 0)
    if settings.REMINDER_SWEEP_SECONDS + slowest >= task_timeout:
        problems.append(Warning(
            "REMINDER_SWEEP_SECONDS + the larger of EMAIL_TIMEOUT and WEBHOOK_TIMEOUT must stay "
            "below Q_CLUSTER['timeout'], or a sweep is killed mid-batch by the task timeout.",
            hint="Keep the sweep at 60 s or less with a 20 s EMAIL_TIMEOUT and a 10 s "
                 "WEBHOOK_TIMEOUT.",
            id="tracker.W005",
        ))
    if not settings.WEBHOOK_TIMEOUT or task_timeout <= settings.WEBHOOK_TIMEOUT:
        problems.append(Warning(
            "WEBHOOK_TIMEOUT must be set and below Q_CLUSTER['timeout'], or a robot that never "
            "answers blocks a worker until the task is killed.",
            hint="Set WEBHOOK_TIMEOUT to 5–15 seconds.",
            id="tracker.W006",
        ))
    if timeout is None or timeout >= task_timeout:
        problems.append(Warning(
            "EMAIL_TIMEOUT must be set and below Q_CLUSTER['timeout'], or a stuck SMTP "
            "server blocks a worker until the task is killed.",
            hint="Set EMAIL_TIMEOUT to 10–30 seconds.",
            id="tracker.W002",
        ))
    return problems


@register()
def check_task_queue(app_configs, **kwargs):
    conf = settings.Q_CLUSTER
    problems = []
    if "orm" not in conf and "redis" not in conf and "django_redis" not in conf:
        problems.append(Error(
            "Q_CLUSTER names no broker; django-q2 would silently try Redis on localhost.",
            hint="Use 'orm': 'default' or set REDIS_URL.",
            id="tracker.E001",
        ))
    if conf.get("timeout", 60) >= conf.get("retry", 60):
        problems.append(Error(
            "Q_CLUSTER['timeout'] must be below ['retry'], or a running task is handed to a "
            "second worker.",
            id="tracker.E002",
        ))
    if conf.get("catch_up", True):
        problems.append(Warning(
            "Q_CLUSTER['catch_up'] replays every missed schedule slot after downtime.",
            hint="Set 'catch_up': False; one sweep sends everything that is due.",
            id="tracker.W003",
        ))
    if conf.get("max_attempts", 0) != 1:
        problems.append(Warning(
            "Q_CLUSTER['max_attempts'] should be 1: retries with backoff live in the reminder "
            "outbox, the queue would retry at once and without limit.",
            id="tracker.W004",
        ))
    return problems


@register()
def check_translations(app_configs, **kwargs):
    """Every catalogue in LOCALE_PATHS compiled, and not older than its source. `.mo` files are
    build output (not committed): a setup that skips `make` or `compilemessages` serves English
    to a reader who chose Chinese, with no error anywhere, and a stale one serves the strings
    added since in English."""
    problems = []
    for directory in settings.LOCALE_PATHS:
        for po in sorted(Path(directory).glob("*/LC_MESSAGES/*.po")):
            mo = po.with_suffix(".mo")
            if not mo.exists():
                message = f"{mo} is missing: the site speaks English instead of this language."
            elif mo.stat().st_mtime < po.stat().st_mtime:
                message = f"{mo} is older than {po.name}: the newer translations are not served."
            else:
                continue
            problems.append(Error(
                message,
                hint="Compile the translations: `make` the .mo files or run "
                "`python manage.py compilemessages` (needs GNU gettext's msgfmt).",
                id="tracker.E003",
            ))
    return problems
