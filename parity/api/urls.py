"""REST API v1: one root router for every app, token login, OpenAPI schema and docs."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter
from rest_framework.throttling import AnonRateThrottle

from parity.api.areas import AreaViewSet
from parity.api.base import errors
from parity.api.certificates import CertificateViewSet, PermitViewSet
from parity.api.households import EmploymentViewSet, HouseholdViewSet
from parity.api.housing import DwellingViewSet
from parity.api.immunization import (
    CampaignViewSet,
    ImmunizationScheduleViewSet,
    OverdueChildViewSet,
    VaccinationViewSet,
)
from parity.api.indicators import EqualizationViewSet, IndicatorViewSet
from parity.api.maternal import ChildCheckViewSet, PregnancyViewSet
from parity.api.people import PersonViewSet, ResidenceViewSet
from parity.api.services import (
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


class LoginThrottle(AnonRateThrottle):
    # Slows password guessing against the token endpoint; per client address.
    rate = "20/min"


class TokenView(ObtainAuthToken):
    throttle_classes = [LoginThrottle]

    @extend_schema(
        summary=_("用户名和密码换取令牌"),
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField()}),
            **errors(400, 429),
        },
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class DocsView(SpectacularSwaggerView):
    """Swagger UI from the vendored copy under /static/, with no call out of the intranet:
    Swagger UI's default validator badge would fetch validator.swagger.io."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        ui_settings = {**spectacular_settings.SWAGGER_UI_SETTINGS, "validatorUrl": None}
        response.data["settings"] = json.dumps(ui_settings, indent=2)
        return response


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # A browser page: a signed-out visitor is sent to the login page, not shown a 403.
    path("docs/", login_required(DocsView.as_view(url_name="api:schema")), name="docs"),
    *router.urls,
]
