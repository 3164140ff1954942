"""Responses several page families return, and the caching rule of the private ones."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import cache_control

# For a firm's own pages and for the links whose address is the credential: neither the
# browser (a shared office computer's history and back button) nor a proxy on the way may keep
# a copy. Put it outermost, so that login redirects and refused methods get it too.
private_page = cache_control(private=True, no_store=True)


def back_to_dashboard(application):
    return redirect(f"{reverse('tracker:dashboard')}#application-{application.pk}")


def ics_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
