from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "parity.reports"
    label = "reports"
    verbose_name = "统计报告"

    def ready(self) -> None:
        # AppConfig.ready: these modules import models, which need the app registry ready
        from parity.indicators.signals import indicators_computed
        from parity.reports.figures import precompute

        indicators_computed.connect(precompute, dispatch_uid="reports_precompute")
