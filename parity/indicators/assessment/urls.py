"""Target assessment's pages under ``indicators/assessment/`` (the ``indicators``
namespace: ``parity.indicators.urls`` includes ``urlpatterns``)."""

from django.urls import path

from parity.indicators.assessment import views

urlpatterns = [
    path("", views.assessment_page, name="assessment"),
    path("export.<str:fmt>", views.assessment_download, name="assessment_download"),
    path("targets/<int:pk>/delete/", views.target_remove, name="target_delete"),
    path("import/", views.import_page, name="assessment_import"),
    path("import/<str:token>/", views.import_map, name="assessment_import_map"),
    path("import/template.xlsx", views.template_download, name="assessment_template"),
]
