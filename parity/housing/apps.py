from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "parity.housing"
    label = "housing"
    verbose_name = "房屋"
