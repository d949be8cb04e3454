import datetime as dt

from django.apps import AppConfig
from django.db.models import Exists, OuterRef, Q


class ServicesConfig(AppConfig):
    name = "parity.services"
    label = "services"
    verbose_name = "基本公共服务"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from parity.services.eligibility import register_flag

        register_flag("employed", _("在业"), _employed)
        register_flag("chronic_patient", _("已登记的高血压或糖尿病患者"), _chronic_patient)

        from parity.services.keygroups import register_builtin_groups

        register_builtin_groups()


def _employed(on: dt.date) -> Q:
    from parity.people.models import Employment

    jobs = Employment.objects.filter(person=OuterRef("pk")).filter(
        Q(started_on__isnull=True) | Q(started_on__lte=on),
        Q(ended_on__isnull=True) | Q(ended_on__gt=on),
    )
    return Q(Exists(jobs))


def _chronic_patient(on: dt.date) -> Q:
    from parity.services.models import ServiceEvent

    # A patient is registered by the first follow-up: the services records are the register.
    return Q(
        Exists(
            ServiceEvent.objects.filter(
                person=OuterRef("pk"), service_type__code="chronic_followup", date__lte=on
            )
        )
    )
