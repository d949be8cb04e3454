from django.contrib import admin
from django.urls import include, path

from parity.core.health import HealthView
from parity.core.metrics import metrics_view

urlpatterns = [
    # For the load balancer and Prometheus: no login (README, "Operations").
    path("health/", HealthView.as_view(), name="health"),
    path("metrics", metrics_view, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("parity.api.urls")),
    path("accounts/", include("parity.accounts.urls")),
    path("people/io/", include("parity.people.urls")),
    path("services/", include("parity.services.urls")),
    path("immunization/", include("parity.immunization.urls")),
    path("maternal/", include("parity.maternal.urls")),
    path("certificates/", include("parity.certificates.urls")),
    path("reports/", include("parity.reports.urls")),
    path("indicators/", include("parity.indicators.urls")),
    path("", include("parity.web.urls")),
]

# Under /api/ errors keep the API's error format, even those raised outside DRF's views.
handler400 = "parity.core.api.errors.bad_request"
handler404 = "parity.core.api.errors.page_not_found"
handler500 = "parity.core.api.errors.server_error"
