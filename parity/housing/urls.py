"""The housing pages; they keep their site-wide names (``web:dwelling_list`` …) and
paths: ``parity.web.urls`` mounts ``pages``."""

from django.urls import path

from parity.housing import views

pages = [
    path("dwellings/", views.dwelling_list, name="dwelling_list"),
    path("dwellings/new/", views.dwelling_register, name="dwelling_register"),
    path("dwellings/<int:pk>/", views.dwelling_detail, name="dwelling_detail"),
]
