from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "parity.web"
    label = "web"
    verbose_name = "界面"

    def ready(self) -> None:
        from parity.indicators.signals import indicators_computed
        from parity.web.views.dashboard import prerender

        indicators_computed.connect(prerender, dispatch_uid="web_dashboard_prerender")
