from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "parity.demo"
    label = "demo"
    verbose_name = "Demo city"
