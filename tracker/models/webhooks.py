"""Group-robot webhooks (企业微信群机器人, 钉钉群机器人): an organization's chat group as a
reader of its reminders, beside its members' mailboxes."""

from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.models.organizations import Organization

# Where each robot's send URL lives, as the vendors document it; the query parameter carries
# the robot's credential.
OFFICIAL_ENDPOINTS = {
    "wecom": ("qyapi.weixin.qq.com", "/cgi-bin/webhook/send", "key"),
    "dingtalk": ("oapi.dingtalk.com", "/robot/send", "access_token"),
}
SECRET_SHOWN = 4


class Webhook(models.Model):
    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="webhooks",
        verbose_name=_("organization"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=60, blank=True, help_text=_("Which group it posts to, for you.")
    )
    url = models.URLField(_("webhook address"), max_length=500)
    # DingTalk's 加签 secret ("SEC…"): it signs each request, so it is stored as given, and is
    # never shown back but for its last characters.
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["organization", "pk"]
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "url"], name="tracker_webhook_once_per_organization",
                violation_error_message=_("This organization has this robot already."),
            ),
        ]

    def __str__(self):
        return self.name or self.get_kind_display()

    def clean(self):
        validate_webhook_url(self.kind, self.url)
        if self.secret and self.kind != self.Kind.DINGTALK:
            raise ValidationError(
                {"secret": _("Only DingTalk robots sign their messages; leave this empty.")},
                code="secret_unused",
            )

    @property
    def masked_secret(self):
        return mask(self.secret)

    @property
    def masked_url(self):
        """The address without its credential (the key or token), for pages and the admin."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}?{mask(parts.query)}"


def mask(value):
    if not value:
        return ""
    return "…" + value[-SECRET_SHOWN:] if len(value) > 2 * SECRET_SHOWN else "…"


def validate_webhook_url(kind, url):
    """Refuse any address but the robot's own send URL, so that nobody can make the server call
    an address of their choosing (SSRF: an internal service, a cloud metadata endpoint).

    The host must be the vendor's (or one of WEBHOOK_EXTRA_HOSTS, which tests use for a local
    server), over https unless WEBHOOK_REQUIRE_HTTPS is off, on the default port, without a
    user name, at the documented path, with the robot's credential in the query. The channel
    checks again before each request, and never follows a redirect.
    """
    if kind not in OFFICIAL_ENDPOINTS:
        raise ValidationError({"kind": _("Choose WeCom or DingTalk.")}, code="kind")
    host, path, credential = OFFICIAL_ENDPOINTS[kind]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts = port = None
    extra = set(settings.WEBHOOK_EXTRA_HOSTS)
    require_https = settings.WEBHOOK_REQUIRE_HTTPS
    problems = []
    if parts is None or parts.hostname is None:
        problems.append(_("The webhook address is not a web address."))
    else:
        allowed = parts.hostname == host or parts.hostname in extra
        if parts.scheme != "https" and (require_https or parts.scheme != "http"):
            problems.append(_("The webhook address must start with https://."))
        if not allowed or parts.username is not None or parts.password is not None:
            problems.append(
                _("The webhook address must be on %(host)s, the robot's own server.")
                % {"host": host}
            )
        elif port is not None and (require_https or parts.hostname not in extra):
            problems.append(_("The webhook address must not name a port."))
        if parts.path != path or not parse_qs(parts.query).get(credential, [""])[0].strip():
            problems.append(
                _("Copy the whole webhook address from the robot's settings: it looks "
                  "like %(example)s.") % {"example": f"https://{host}{path}?{credential}=…"}
            )
    if problems:
        raise ValidationError({"url": [ValidationError(p, code="url") for p in problems]})
