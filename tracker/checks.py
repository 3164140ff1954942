"""System checks for settings whose mistakes only show up as lost or doubled mail."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def check_q_cluster(app_configs, **kwargs):
    conf = getattr(settings, "Q_CLUSTER", {})
    problems = []
    if not ({"orm", "redis"} & set(conf)):
        problems.append(
            Warning(
                "Q_CLUSTER names no broker; django-q2 then silently tries Redis.",
                hint='Set "orm": "default" or "redis": REDIS_URL.',
                id="tracker.W001",
            )
        )
    if conf.get("timeout") and conf.get("retry") and conf["timeout"] >= conf["retry"]:
        problems.append(
            Warning(
                "Q_CLUSTER timeout is not below retry; a running sweep can be handed to a second "
                "worker.",
                hint="Keep timeout < retry.",
                id="tracker.W002",
            )
        )
    if conf.get("catch_up", True):
        problems.append(
            Warning(
                "Q_CLUSTER catch_up is on; after downtime every missed slot is replayed.",
                hint='Set "catch_up": False.',
                id="tracker.W003",
            )
        )
    return problems
