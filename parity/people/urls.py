"""The people pages. ``urlpatterns`` are the import/export files (namespace ``people_io``,
under ``/people/io/``); ``pages`` are the registry pages, which keep their site-wide
names (``web:person_list`` …) and paths: ``parity.web.urls`` mounts them."""

from django.urls import path

from parity.people.views import households, io, persons, transfers

app_name = "people_io"
urlpatterns = [
    path("import/", io.import_page, name="import"),
    path("import/<str:token>/", io.import_map, name="import_map"),
    path("import/errors/<str:name>", io.error_file, name="error_file"),
    path("template.<str:fmt>", io.template_download, name="template"),
    path("export/", io.export_download, name="export"),
]

pages = [
    path("people/", persons.person_list, name="person_list"),
    path("people/new/", persons.person_register, name="person_register"),
    path("people/<int:pk>/", persons.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", persons.person_edit, name="person_edit"),
    path("people/<int:pk>/move/", persons.residence_move, name="residence_move"),
    path("people/<int:pk>/depart/", persons.residence_close, name="residence_close"),
    path("people/<int:pk>/employment/", persons.employment_record, name="employment_record"),
    path("people/<int:pk>/reveal/<str:field>/", persons.person_reveal, name="person_reveal"),
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
]
