from django.apps import AppConfig


class ImmunizationConfig(AppConfig):
    name = "parity.immunization"
    label = "immunization"
    verbose_name = "预防接种"
