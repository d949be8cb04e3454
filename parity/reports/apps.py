from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "parity.reports"
    label = "reports"
    verbose_name = "统计报告"
