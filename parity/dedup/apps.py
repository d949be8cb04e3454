from django.apps import AppConfig


class DedupConfig(AppConfig):
    name = "parity.dedup"
    verbose_name = "重复人员"
    default_auto_field = "django.db.models.BigAutoField"
