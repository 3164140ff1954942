"""Who runs this installation: the operator named in every page's footer and every reminder mail.

A visitor deciding whether to trust a deadline, and a firm replying to a reminder, need to know
who stands behind the site and how to reach them; a site served in mainland China must also show
its ICP filing number (备案号). All three come from settings (SITE_OPERATOR, SITE_CONTACT,
SITE_ICP_NUMBER, from the environment), so one codebase serves any operator.
"""

from typing import NamedTuple

from django.conf import settings


class Operator(NamedTuple):
    name: str
    contact: str
    icp_number: str


def operator():
    return Operator(settings.SITE_OPERATOR, settings.SITE_CONTACT, settings.SITE_ICP_NUMBER)


def context(request):
    """Template context processor: `operator` on every page (the footer)."""
    return {"operator": operator()}
