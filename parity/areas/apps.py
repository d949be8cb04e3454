from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "parity.areas"
    label = "areas"
    verbose_name = "区划与网格"
