from django.apps import AppConfig
from django.db.backends.signals import connection_created

from parity.core.files import harden_sqlite


class CoreConfig(AppConfig):
    name = "parity.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        connection_created.connect(harden_sqlite, dispatch_uid="parity.core.harden_sqlite")
