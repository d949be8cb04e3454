from django.urls import path

from parity.web.views import (
    dashboard,
    dashboard_exports,
    exports,
    home,
    households,
    housing,
    people,
    transfers,
)

app_name = "web"
urlpatterns = [
    path("", home.home, name="home"),
    path("areas/", home.area_detail, name="area_root"),
    path("areas/<str:code>/", home.area_detail, name="area_detail"),
    path("audit/", home.audit_list, name="audit_list"),
    path("exports/", exports.export_list, name="export_list"),
    path("exports/<int:pk>/", exports.export_detail, name="export_detail"),
    path("exports/<int:pk>/progress/", exports.export_progress, name="export_progress"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
    path("people/", people.person_list, name="person_list"),
    path("people/new/", people.person_register, name="person_register"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/move/", people.residence_move, name="residence_move"),
    path("people/<int:pk>/depart/", people.residence_close, name="residence_close"),
    path("people/<int:pk>/employment/", people.employment_record, name="employment_record"),
    path("people/<int:pk>/reveal/<str:field>/", people.person_reveal, name="person_reveal"),
    path("people/transfers/", transfers.transfer_list, name="transfer_list"),
    path("people/transfers/new/", transfers.transfer_new, name="transfer_new"),
    path("people/transfers/<int:pk>/", transfers.transfer_detail, name="transfer_detail"),
    path(
        "people/transfers/<int:pk>/<str:decision>/",
        transfers.transfer_decide,
        name="transfer_decide",
    ),
    path("households/", households.household_list, name="household_list"),
    path("households/new/", households.household_create, name="household_create"),
    path("households/<int:pk>/", households.household_detail, name="household_detail"),
    path(
        "households/<int:pk>/members/new/",
        households.household_add_member,
        name="household_add_member",
    ),
    path("dwellings/", housing.dwelling_list, name="dwelling_list"),
    path("dwellings/new/", housing.dwelling_register, name="dwelling_register"),
    path("dwellings/<int:pk>/", housing.dwelling_detail, name="dwelling_detail"),
    path("dashboard/", dashboard.dashboard_page, name="dashboard"),
    path("dashboard/refresh/", dashboard.dashboard_refresh, name="dashboard_refresh"),
    path("dashboard/<str:code>/", dashboard.dashboard_page, name="dashboard_node"),
    path(
        "dashboard/<str:code>/equalization.xlsx",
        dashboard_exports.equalization_xlsx,
        name="dashboard_equalization_xlsx",
    ),
    path(
        "dashboard/<str:code>/children.xlsx",
        dashboard_exports.children_xlsx,
        name="dashboard_children_xlsx",
    ),
    path(
        "dashboard/<str:code>/indicator/<slug:indicator_code>/",
        dashboard.indicator_page,
        name="dashboard_indicator",
    ),
    path(
        "dashboard/<str:code>/indicator/<slug:indicator_code>/children.xlsx",
        dashboard_exports.indicator_children_xlsx,
        name="dashboard_indicator_children_xlsx",
    ),
    path(
        "dashboard/<str:code>/indicator/<slug:indicator_code>/by/<slug:dimension>.xlsx",
        dashboard_exports.indicator_breakdown_xlsx,
        name="dashboard_indicator_breakdown_xlsx",
    ),
    path(
        "dashboard/<str:code>/indicator/<slug:indicator_code>/people/",
        dashboard.indicator_people,
        name="dashboard_people",
    ),
    path(
        "dashboard/<str:code>/indicator/<slug:indicator_code>/people.xlsx",
        dashboard_exports.indicator_people_xlsx,
        name="dashboard_people_xlsx",
    ),
]
