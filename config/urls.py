from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Login, logout and password reset, with our templates in templates/registration/.
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("tracker.web.urls")),
]
