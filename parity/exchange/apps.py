from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "parity.exchange"
    label = "exchange"
    verbose_name = "区域协作"

    def ready(self) -> None:
        from parity.exchange import hooks, indicators

        hooks.connect()
        indicators.register()
