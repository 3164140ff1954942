"""Settings for the test suite: the real settings with a fixed key and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")

from config.settings import *  # noqa: E402,F403
from config.settings import BASE_DIR, DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so a django-q2 cluster started by a test (another process) sees
    # the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}

# Plain storage: tests render templates without running collectstatic first.
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test client's login() calls authenticate() without a request, which django-axes refuses;
# the throttling tests turn it back on with override_settings.
AXES_ENABLED = False
# The test client and the live server speak plain HTTP; `check --deploy` is tested against the
# real settings in a subprocess (tests/test_deploy.py).
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# whitenoise serves from the app directories instead of a collected STATIC_ROOT.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# allauth's rate limits count in the process's cache, which outlives a test: hundreds of
# logins and sign-ups from 127.0.0.1 would trip them. Failed logins are throttled by
# django-axes (tests/web/test_accounts.py turns it on).
ACCOUNT_RATE_LIMITS = False
# The webhook tests post to a robot served by a local HTTP server (tests/robots.py).
WEBHOOK_EXTRA_HOSTS = ["127.0.0.1"]
WEBHOOK_REQUIRE_HTTPS = False
