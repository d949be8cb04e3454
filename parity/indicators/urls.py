"""The indicators app's pages under ``indicators/``: the indicator catalog (``catalog/``,
``urls_define``) and target assessment (``assessment/``), one ``indicators`` namespace.
The dashboard keeps its site-wide names (``parity.indicators.dashboard.urls``)."""

from django.urls import include, path

from parity.indicators import urls_define
from parity.indicators.assessment import urls as assessment_urls

app_name = "indicators"
urlpatterns = [
    path("catalog/", include(urls_define.urlpatterns)),
    path("assessment/", include(assessment_urls.urlpatterns)),
]
