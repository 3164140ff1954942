from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Sign-up, email verification, login, logout, password reset and email change
    # (django-allauth), in our layout through templates/allauth/layouts/.
    path("accounts/", include("allauth.urls")),
    path("", include("tracker.web.urls")),
]
