from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "parity.services"
    label = "services"
    verbose_name = "基本公共服务"
