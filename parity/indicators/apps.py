from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "parity.indicators"
    label = "indicators"
    verbose_name = "均等化指标与目标考核"

    def ready(self) -> None:
        # AppConfig.ready: these modules import models, which need the app registry ready
        from parity.indicators.dashboard.views import prerender
        from parity.indicators.predicates import register_builtin_predicates
        from parity.indicators.signals import indicators_computed

        register_builtin_predicates()
        indicators_computed.connect(prerender, dispatch_uid="web_dashboard_prerender")
