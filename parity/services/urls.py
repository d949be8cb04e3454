from django.urls import path

from parity.services.views import catalog, io, keygroups, records, sites, worklist

app_name = "services"
urlpatterns = [
    path("worklist/", worklist.worklist, name="worklist"),
    path("people/<int:pk>/visit/", records.visit_record, name="visit_record"),
    path("people/<int:pk>/record/", records.service_record, name="service_record"),
    path("catalog/", catalog.catalog, name="catalog"),
    path("catalog/<slug:code>/", catalog.catalog_detail, name="catalog_detail"),
    path("coverage/", catalog.coverage, name="coverage"),
    path("coverage/<slug:code>/people/", catalog.coverage_people, name="coverage_people"),
    path("keygroups/", keygroups.keygroup_list, name="keygroup_list"),
    path("keygroups/saved/", keygroups.saved_list, name="keygroup_saved_list"),
    path("keygroups/saved/<int:pk>/", keygroups.saved_detail, name="keygroup_saved_detail"),
    path("keygroups/<slug:code>/", keygroups.keygroup_members, name="keygroup_members"),
    path("keygroups/<slug:code>/save/", keygroups.keygroup_save, name="keygroup_save"),
    path("sites/", sites.site_list, name="site_list"),
    path("sites/new/", sites.site_register, name="site_register"),
    path("staff/", sites.staff_list, name="staff_list"),
    path("staff/new/", sites.staff_register, name="staff_register"),
    path("import/", io.import_page, name="import"),
    path("import/<str:token>/", io.import_map, name="import_map"),
    path("import/template.<str:fmt>", io.template_download, name="import_template"),
]
