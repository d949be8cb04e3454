"""REST API v1: one root router for every app, token login, OpenAPI schema and docs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from parity.api.token import TokenView
from parity.areas.api import AreaViewSet
from parity.certificates.api import CertificateViewSet, PermitViewSet
from parity.housing.api import DwellingViewSet
from parity.immunization.api import (
    CampaignViewSet,
    ImmunizationScheduleViewSet,
    OverdueChildViewSet,
    VaccinationViewSet,
)
from parity.indicators.api import EqualizationViewSet, IndicatorViewSet
from parity.maternal.api import ChildCheckViewSet, PregnancyViewSet
from parity.people.api.households import EmploymentViewSet, HouseholdViewSet
from parity.people.api.persons import PersonViewSet, ResidenceViewSet
from parity.services.api import (
    CoverageViewSet,
    EntitlementViewSet,
    KeyGroupViewSet,
    ServiceEventViewSet,
    ServiceTypeViewSet,
    VisitViewSet,
    WorkListViewSet,
)

app_name = "api"

router = DefaultRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("persons", PersonViewSet, basename="person")
router.register("residences", ResidenceViewSet, basename="residence")
router.register("households", HouseholdViewSet, basename="household")
router.register("dwellings", DwellingViewSet, basename="dwelling")
router.register("employments", EmploymentViewSet, basename="employment")
router.register("service-types", ServiceTypeViewSet, basename="service-type")
router.register("service-events", ServiceEventViewSet, basename="service-event")
router.register("visits", VisitViewSet, basename="visit")
router.register("entitlements", EntitlementViewSet, basename="entitlement")
router.register("worklist", WorkListViewSet, basename="worklist")
router.register("key-groups", KeyGroupViewSet, basename="key-group")
router.register("coverage", CoverageViewSet, basename="coverage")
router.register("vaccinations", VaccinationViewSet, basename="vaccination")
router.register(
    "immunization-schedules", ImmunizationScheduleViewSet, basename="immunization-schedule"
)
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("overdue-children", OverdueChildViewSet, basename="overdue-child")
router.register("pregnancies", PregnancyViewSet, basename="pregnancy")
router.register("child-checks", ChildCheckViewSet, basename="child-check")
router.register("marriage-certificates", CertificateViewSet, basename="marriage-certificate")
router.register("residence-permits", PermitViewSet, basename="residence-permit")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("equalization", EqualizationViewSet, basename="equalization")


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the vendored copy under /static/, with no call out of the intranet
    and no inline script or style (the Content Security Policy refuses them): the page
    loads its start-up script from ``?script`` and its styles from a static file."""

    template_name = "api/swagger_ui.html"


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # A browser page: a signed-out visitor is sent to the login page, not shown a 403.
    path("docs/", login_required(DocsView.as_view(url_name="api:schema")), name="docs"),
    *router.urls,
]
