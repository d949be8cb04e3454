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

        from parity.services.recording import register_record_page

        register_record_page("vaccination", "immunization:person", _("儿童预防接种页"))

        from parity.immunization.keygroups import register as register_key_groups

        register_key_groups()

        from django.db.models.signals import post_save

        from parity.people.models import Person

        post_save.connect(_new_child_schedule, sender=Person, dispatch_uid="immunization_new_child")


def _up_to_date(on: dt.date) -> Q:
    """No dose overdue on the date, by the materialized ``DoseDue`` table (valid as of its
    nightly refresh). Floating and registered children are judged the same way."""
    from parity.immunization.models import DoseDue

    return ~Q(Exists(DoseDue.objects.filter(person=OuterRef("pk"), overdue_on__lte=on)))


def _new_child_schedule(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """A child registered through the forms or the API gets their pending doses at once;
    bulk imports skip signals and are covered by the nightly ``refresh_immunization``."""
    if not created or raw:
        return
    from django.utils import timezone

    from parity.immunization.due import dose_due_refresh_person

    if instance.age_on(timezone.localdate()) < 18:
        dose_due_refresh_person(instance)
