"""System checks on the django-q2 settings (tracker/checks.py)."""

from tracker.checks import check_q_cluster


def ids(settings, **q_cluster):
    settings.Q_CLUSTER = q_cluster
    return [problem.id for problem in check_q_cluster(None)]


def test_the_project_settings_pass():
    assert check_q_cluster(None) == []


def test_it_warns_when_no_broker_is_named(settings):
    assert ids(settings, timeout=60, retry=90, catch_up=False) == ["tracker.W001"]


def test_it_warns_when_timeout_is_not_below_retry(settings):
    assert ids(settings, orm="default", timeout=90, retry=90, catch_up=False) == ["tracker.W002"]


def test_it_warns_when_missed_slots_would_be_replayed(settings):
    assert ids(settings, redis="redis://127.0.0.1:6379/2", timeout=60, retry=90) == ["tracker.W003"]
