"""The dashboard (数据看板) pages and downloads; they keep their site-wide names
(``web:dashboard`` …) and paths: ``parity.web.urls`` mounts ``pages``."""

from django.urls import path

from parity.indicators.dashboard import exports, views

pages = [
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/refresh/", views.dashboard_refresh, name="dashboard_refresh"),
    path("dashboard/<str:code>/", views.dashboard_page, name="dashboard_node"),
    path(
        "dashboard/<str:code>/equalization.xlsx",
        exports.equalization_xlsx,
        name="dashboard_equalization_xlsx",
    ),
    path(
        "dashboard/<str:code>/children.xlsx",
        exports.children_xlsx,
        name="dashboard_children_xlsx",
    ),
    path(
        "dashboard/<str:code>/indicator/<slug:indicator_code>/",
        views.indicator_page,
        name="dashboard_indicator",
    ),
    path(
        "dashboard/<str:code>/indicator/<slug:indicator_code>/children.xlsx",
        exports.indicator_children_xlsx,
        name="dashboard_indicator_children_xlsx",
    ),
    path(
        "dashboard/<str:code>/indicator/<slug:indicator_code>/by/<slug:dimension>.xlsx",
        exports.indicator_breakdown_xlsx,
        name="dashboard_indicator_breakdown_xlsx",
    ),
    path(
        "dashboard/<str:code>/indicator/<slug:indicator_code>/people/",
        views.indicator_people,
        name="dashboard_people",
    ),
    path(
        "dashboard/<str:code>/indicator/<slug:indicator_code>/people.xlsx",
        exports.indicator_people_xlsx,
        name="dashboard_people_xlsx",
    ),
]
