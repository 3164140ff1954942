"""The API's endpoints: the program list and one program, each answering a conditional GET.

Validators are derived without reading any program: the ETag from the catalog stamp
(`CatalogVersion`, moved by every edit of a program, its lists, an authority, a sector or a
region), each program zone's date (a status changes at local midnight), the language and the
query; Last-Modified from when the stamp moved or a zone's day began, whichever is later. A
client that asks again with If-None-Match or If-Modified-Since gets a 304 for one small query
(the list's index holds the stamp and the zones) or two (a program).
"""

import datetime
import hashlib
import math
import zoneinfo

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import Throttled
from ninja.throttling import SimpleRateThrottle

from tracker.interchange import open_data
from tracker.models import CatalogVersion
from tracker.models.timezones import local_date
from tracker.selectors.listing import catalog_index, listing
from tracker.selectors.programs import RECORD_ROWS, open_program, published_zones
from tracker.web.api.schemas import Errors, ProgramDetail, ProgramPage
from tracker.web.forms import ApiPageForm, ProgramFilterForm

DEFAULT_LIMIT = 50


class ClientThrottle(SimpleRateThrottle):
    """At most API_THROTTLE_RATE requests per client address (signed in or not), counted in
    the default cache (per process unless a shared cache is configured). Behind a proxy, set
    NINJA_NUM_PROXIES so the address is the client's, not the proxy's."""

    scope = "open-data"

    def __init__(self):
        # The rate is read on each request (settings may differ per deployment and test).
        pass

    def allow_request(self, request):
        self.num_requests, self.duration = self.parse_rate(settings.API_THROTTLE_RATE)
        return super().allow_request(request)

    def get_cache_key(self, request):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


api = NinjaAPI(
    title="政策申报追踪 · Open data API",
    version="1",
    description=(
        "Published programs of the policy and application-deadline tracker, read-only. "
        "The list takes the query string of /programs/ (keywords, filters, sort). The whole "
        "catalog is also published daily as /data/programs.jsonl and /data/programs.csv, with "
        "the same fields as a list record."
    ),
    urls_namespace="api",
    throttle=[ClientThrottle()],
)


@api.exception_handler(Throttled)
def _throttled(request, exc):
    response = JsonResponse(
        {"errors": {"": [_("Too many requests: wait a minute and try again.")]}}, status=429
    )
    if exc.wait:
        response["Retry-After"] = str(math.ceil(exc.wait))
    return response


def _parameters(*form_classes):
    """The query parameters of the OpenAPI schema, from the forms that parse them: one list
    of names and choices, never a second one to keep in step."""
    parameters = []
    for form_class in form_classes:
        for name, field in form_class.base_fields.items():
            schema = {"type": "integer"} if isinstance(field, forms.IntegerField) else {
                "type": "string"
            }
            if isinstance(field, forms.DateField):
                schema["format"] = "date"
            elif isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                schema["enum"] = [str(value) for value, _label in field.choices]
            parameters.append({
                "name": name, "in": "query", "required": False, "schema": schema,
                "description": str(field.label or name),
            })
    return parameters


def _errors(*forms_):
    return JsonResponse(
        {"errors": {name: list(messages) for form in forms_ for name, messages in
                    form.errors.items()}},
        status=400,
    )


def _validators(request, now, stamp, changed_at, zones):
    """(ETag, Last-Modified) of any answer now (see the module's docstring)."""
    dates = [local_date(zone, now) for zone in zones]
    key = repr((str(stamp), dates, get_language(), request.get_full_path()))
    etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
    day_starts = [
        datetime.datetime.combine(day, datetime.time(), zoneinfo.ZoneInfo(zone))
        for zone, day in zip(zones, dates, strict=True)
    ]
    moments = [moment for moment in (changed_at, *day_starts) if moment]
    # Whole seconds, as the header carries them: If-Modified-Since compares to the second.
    return etag, int(max(moments).timestamp()) if moments else None


def _conditional(request, answer, state):
    """`answer(now)` as JSON with its validators, or a 304 when the client's copy is current.
    `state()`: (catalog stamp, when it moved, the published programs' zones)."""
    now = timezone.now()
    etag, last_modified = _validators(request, now, *state())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = answer(now)
    if response.status_code in (200, 304):
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
    return response


def _catalog_state():
    return (*CatalogVersion.state(), published_zones())


@api.get(
    "/programs", response={200: ProgramPage, 400: Errors}, summary="Published programs",
    openapi_extra={"parameters": _parameters(ProgramFilterForm, ApiPageForm)},
)
def program_list(request):
    """The programs /programs/ lists for the same query string (by default those taking
    applications; `status=all` for every status), `limit` (at most 100) from `offset`."""
    filters, page = ProgramFilterForm(request.GET), ApiPageForm(request.GET)
    if not (filters.is_valid() & page.is_valid()):
        return _errors(filters, page)

    # The list's index holds the stamp, when it moved and the zones: one query for all three.
    index = catalog_index()

    def answer(now):
        listed = listing(
            filters.cleaned_data, sort=filters.cleaned_data["sort"], now=now, real=True,
            rows=RECORD_ROWS, index=index,
        )
        limit = page.cleaned_data["limit"] or DEFAULT_LIMIT
        offset = page.cleaned_data["offset"] or 0
        return JsonResponse({
            "count": listed.count(),
            "limit": limit,
            "offset": offset,
            "results": open_data.records(listed[offset:offset + limit], now),
        }, json_dumps_params={"ensure_ascii": False})

    return _conditional(
        request, answer, lambda: (index.stamp, index.changed_at, sorted(index.zones))
    )


# A slug converter: anything else (a NUL byte, which PostgreSQL refuses) is a 404 before
# the database is asked.
@api.get("/programs/{slug:slug}", response={200: ProgramDetail}, summary="One published program")
def program_detail(request, slug: str):
    """A program with its rules in plain words (in the site's language) and the clauses they
    quote, its milestones, checklist and source. 404 for anything not published."""

    def answer(now):
        program = open_program(slug)
        return JsonResponse(
            open_data.detail_record(program, now), json_dumps_params={"ensure_ascii": False}
        )

    return _conditional(request, answer, _catalog_state)
