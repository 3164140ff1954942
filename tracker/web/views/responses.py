"""Responses several page families return."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


def back_to_dashboard(application):
    return redirect(f"{reverse('tracker:dashboard')}#application-{application.pk}")


def ics_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
