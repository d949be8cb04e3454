from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "parity.indicators"
    label = "indicators"
    verbose_name = "均等化指标与目标考核"

    def ready(self) -> None:
        from parity.indicators.predicates import register_builtin_predicates

        register_builtin_predicates()
