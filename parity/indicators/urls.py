"""The indicators app's pages under ``indicators/``: the indicator catalog (``catalog/``,
``urls_define``) and target assessment (``assessment/``), one ``indicators`` namespace."""

from django.urls import include, path

from parity.indicators import urls_define, views_assessment

app_name = "indicators"
urlpatterns = [
    path("catalog/", include(urls_define.urlpatterns)),
    path("assessment/", views_assessment.assessment_page, name="assessment"),
    path(
        "assessment/export.<str:fmt>",
        views_assessment.assessment_download,
        name="assessment_download",
    ),
    path(
        "assessment/targets/<int:pk>/delete/",
        views_assessment.target_remove,
        name="target_delete",
    ),
    path("assessment/import/", views_assessment.import_page, name="assessment_import"),
    path(
        "assessment/import/template.xlsx",
        views_assessment.template_download,
        name="assessment_template",
    ),
]
