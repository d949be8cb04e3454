from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parity.core"
    label = "core"
    verbose_name = "核心"
