"""The site's pages under one namespace, ``web``: the shell's own (home, area browser,
audit list, export and import jobs) and the domain apps' page lists, each defined in its app."""

from django.urls import path

from parity.housing.urls import pages as housing_pages
from parity.indicators.dashboard.urls import pages as dashboard_pages
from parity.people.urls import pages as people_pages
from parity.web.views import exports, home, imports, places

app_name = "web"
urlpatterns = [
    path("", home.home, name="home"),
    path("areas/", home.area_detail, name="area_root"),
    path("areas/places/", places.place_search, name="place_search"),
    path("areas/<str:code>/", home.area_detail, name="area_detail"),
    path("audit/", home.audit_list, name="audit_list"),
    path("exports/", exports.export_list, name="export_list"),
    path("exports/<int:pk>/", exports.export_detail, name="export_detail"),
    path("exports/<int:pk>/progress/", exports.export_progress, name="export_progress"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
    path("imports/<int:pk>/", imports.import_job, name="import_job"),
    path("imports/<int:pk>/progress/", imports.import_job_progress, name="import_job_progress"),
    *people_pages,
    *housing_pages,
    *dashboard_pages,
]
