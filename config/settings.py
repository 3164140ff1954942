"""Settings for the policy and application-deadline tracker.

Every value that differs between a laptop and a deployment comes from the environment (or a
`.env` file beside manage.py); the defaults are the embedded setup: SQLite, the django-q2 ORM
broker on the same database, and mail printed to the console.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

# On by default so that a fresh checkout runs (`make run`, manage.py) with no configuration; a
# deployment sets DEBUG=0, and then SECRET_KEY is required.
DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Requests per client address to the open data API (/api/v1/), "count/period" (s, m, h, d).
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="120/m")
# Who runs the site, in every page's footer and every reminder mail (tracker/site.py): the
# operating organization (主办单位), how to reach it (an email address or phone number), and
# the ICP filing number (ICP备案号) a site served in mainland China must show.
SITE_OPERATOR = env.str("SITE_OPERATOR", default="")
SITE_CONTACT = env.str("SITE_CONTACT", default="")
SITE_ICP_NUMBER = env.str("SITE_ICP_NUMBER", default="")

INSTALLED_APPS = [
    # django.contrib.admin and django-axes, each with a config of ours (tracker/apps.py): the
    # admin lists the app's own group first; axes gets a translatable group name.
    "tracker.apps.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Its widget templates, for FORM_RENDERER below.
    "django.forms",
    "django_q",
    "tracker.apps.LoginThrottlingConfig",
    "allauth",
    "allauth.account",
    "import_export",
    "simple_history",
    "csp",
    # The API docs' Swagger UI from our own static files (the CSP allows no CDN).
    "ninja",
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tracker.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Records who made each change in the program, application and organization history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "tracker.site.context",
                "tracker.web.context_processors.unread_alerts",
            ],
            "libraries": {"tracker": "tracker.web.tags"},
        },
    },
]

# Widgets render with the project's templates too (templates/tracker/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -----------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes every transaction take the write lock up front, so the django-q2
    # scheduler, the workers and the web server queue for it instead of failing with
    # "database is locked" halfway through; WAL lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
# Served by whitenoise from STATIC_ROOT (run `collectstatic` when deploying), hashed names so
# browsers may cache them for a year.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Uploaded files (checklist attachments) ------------------------------------------------
# Firms' files are served only by a view that checks membership (tracker:attachment), never
# from a public URL: there is no MEDIA_URL route, and MEDIA_ROOT must not be published by the
# web server. With ATTACHMENT_S3_BUCKET set they go to an S3-compatible store instead, private,
# read back through the same view.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
ATTACHMENT_S3_BUCKET = env.str("ATTACHMENT_S3_BUCKET", default="")
if ATTACHMENT_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ATTACHMENT_S3_BUCKET,
            "endpoint_url": env.str("ATTACHMENT_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("ATTACHMENT_S3_REGION", default="") or None,
            "access_key": env.str("ATTACHMENT_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("ATTACHMENT_S3_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": "private",
            # Signed, expiring URLs only, should anything ever ask the store for one.
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# The largest attachment accepted; a larger one is refused with a message naming the limit.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
# Uploads above this size are spooled to a temporary file rather than held in memory, so a
# large file does not cost a worker its size in RAM; the form fields besides the file stay
# small. The proxy in front should refuse bodies well above ATTACHMENT_MAX_BYTES.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# --- Security (effective when DEBUG is off) -------------------------------------------------
# Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=1 so Django trusts its
# X-Forwarded-Proto header; set SECURE_SSL_REDIRECT=0 only when the proxy already redirects.
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp), on in development too so that a template that breaks it
# shows at once. Styles and scripts come from our static files and the admin's; the rare inline
# script carries the request's nonce (`<script nonce="{{ CSP_NONCE }}">`), which the header
# then names. Inline event handlers (onclick=…) and style attributes are blocked: use a class,
# or a listener in a nonced script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # A data: image cannot run code; allowing it lets a stylesheet inline a small icon.
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out login is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # The admin logs in with a username.
    "django.contrib.auth.backends.ModelBackend",
    # The site's accounts (django-allauth) log in with their email address.
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Login throttling (admin and firm login alike): after 5 failures for one login (username or
# email address) from one address, that pair waits an hour; a success resets the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# allauth's login form calls authenticate(email=…), the admin's authenticate(username=…).
AXES_USERNAME_CALLABLE = "tracker.web.throttling.login_identifier"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Accounts (django-allauth): firms sign up themselves with their email address, which is also
# their login and must be verified before the first login; a changed address is verified
# before it replaces the old one. Mail goes out through EMAIL_URL like every other mail.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
# The verification link lands on a page with a button: a mail scanner that follows links
# must not confirm an address on the owner's behalf.
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Failed logins are throttled by django-axes above (per login and address, in the database,
# shared by all workers); allauth's own per-process cache limits stay on for the rest
# (sign-ups, reset and verification mails).
ACCOUNT_RATE_LIMITS = {"login_failed": None}
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Spreadsheet import and export -----------------------------------------------------------
# Program texts come from pasted notices and imported files, so an exported cell may hold
# "=HYPERLINK(...)" or another formula that Excel would run when the file is opened. The formats
# in tracker/interchange/formats.py decide how such cells are made inert.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# --- Email ----------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# Without a timeout a stuck SMTP server would block a django-q2 worker forever; keep it well
# below Q_CLUSTER["timeout"].
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="政策申报提醒 <reminders@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Team invitations -----------------------------------------------------------------------
# Seconds an emailed invitation link works; each invitation also stores its own expires_at.
INVITATION_MAX_AGE = env.int("INVITATION_MAX_AGE", default=7 * 24 * 3600)

# --- django-q2 ------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
Q_CLUSTER = {
    "name": "tracker",
    "workers": env.int("Q_WORKERS", default=2),
    # timeout < retry, or the ORM broker hands a still-running task to a second worker.
    "timeout": 120,
    "retry": 180,
    # Retries with backoff live in our Reminder outbox; the queue is only a trigger.
    "max_attempts": 1,
    "ack_failures": True,
    # Never replay missed slots after downtime: one sweep catches up on everything due.
    "catch_up": False,
    "save_limit": 500,
    "label": _("Task queue"),
}
# Always name the broker: with neither key django-q2 silently picks Redis.
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- Reminders ------------------------------------------------------------------------------
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=100)
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=6)
# The wait after a first failed attempt; it doubles with each further failure.
REMINDER_BACKOFF_SECONDS = env.int("REMINDER_BACKOFF_SECONDS", default=300)
# How long one sweep may send before it leaves the rest to the next; with EMAIL_TIMEOUT it is
# also how long a batch stays reserved for a sender that may have died.
REMINDER_SWEEP_SECONDS = env.int("REMINDER_SWEEP_SECONDS", default=60)

# --- Group-robot webhooks (WeCom, DingTalk) --------------------------------------------------
# Seconds to wait for a robot's reply; like EMAIL_TIMEOUT it must stay well below the task
# timeout (system check tracker.W005 adds the larger of the two to the sweep).
WEBHOOK_TIMEOUT = env.int("WEBHOOK_TIMEOUT", default=10)
# Webhook addresses are accepted only on the robots' own hosts, over https. Hosts listed here
# are accepted as well (over http too, on any port, when WEBHOOK_REQUIRE_HTTPS is off): the
# tests' local server. Never list a host users could point at an internal service.
WEBHOOK_EXTRA_HOSTS = env.list("WEBHOOK_EXTRA_HOSTS", default=[])
WEBHOOK_REQUIRE_HTTPS = env.bool("WEBHOOK_REQUIRE_HTTPS", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
