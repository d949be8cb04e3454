import datetime as dt

from django.apps import AppConfig
from django.db.models import Exists, OuterRef, Q


class ImmunizationConfig(AppConfig):
    name = "parity.immunization"
    label = "immunization"
    verbose_name = "预防接种"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from parity.services.eligibility import register_delivered

        register_delivered("immunization_up_to_date", _("按程序完成接种"), _up_to_date)


def _up_to_date(on: dt.date) -> Q:
    """No dose overdue on the date, by the materialized ``DoseDue`` table (valid as of its
    nightly refresh). Floating and registered children are judged the same way."""
    from parity.immunization.models import DoseDue

    return ~Q(Exists(DoseDue.objects.filter(person=OuterRef("pk"), overdue_on__lte=on)))
