from django.contrib import admin
from django.urls import include, path

from tracker.web.api.endpoints import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Sign-up, email verification, login, logout, password reset and email change
    # (django-allauth), in our layout through templates/allauth/layouts/.
    path("accounts/", include("allauth.urls")),
    # The open data API, its OpenAPI schema (openapi.json) and docs (docs).
    path("api/v1/", api.urls),
    path("", include("tracker.web.urls")),
]
