from django.apps import AppConfig


class MaternalConfig(AppConfig):
    name = "parity.maternal"
    label = "maternal"
    verbose_name = "妇幼保健"
