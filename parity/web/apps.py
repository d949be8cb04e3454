from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "parity.web"
    label = "web"
    verbose_name = "界面"
