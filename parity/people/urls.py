from django.urls import path

from parity.people import views_io

app_name = "people_io"
urlpatterns = [
    path("import/", views_io.import_page, name="import"),
    path("import/<str:token>/", views_io.import_map, name="import_map"),
    path("import/errors/<str:name>", views_io.error_file, name="error_file"),
    path("template.<str:fmt>", views_io.template_download, name="template"),
    path("export/", views_io.export_download, name="export"),
]
