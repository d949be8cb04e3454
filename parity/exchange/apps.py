from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "parity.exchange"
    label = "exchange"
    verbose_name = "区域协作"

    def ready(self) -> None:
        # deferred: read once every app is loaded (AppConfig.ready)
        from parity.exchange import hooks, indicators

        hooks.connect()
        indicators.register()
        # deferred: read once every app is loaded (AppConfig.ready)
        from parity.indicators.assessment import selectors as assessment

        if indicators.assessment_source not in assessment.TWO_WAY_SOURCES:
            assessment.TWO_WAY_SOURCES.append(indicators.assessment_source)
