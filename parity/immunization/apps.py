from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class ImmunizationConfig(AppConfig):
    name = "parity.immunization"
    label = "immunization"
    verbose_name = "预防接种"

    def ready(self) -> None:
        # AppConfig.ready: these modules import models, which need the app registry ready
        from parity.immunization.due import new_child_schedule, person_birth_date_saved
        from parity.immunization.keygroups import register as register_key_groups
        from parity.immunization.selectors import up_to_date_q
        from parity.people.models import Person
        from parity.services.eligibility import register_delivered
        from parity.services.recording import register_record_page

        register_delivered("immunization_up_to_date", _("按程序完成接种"), up_to_date_q)
        register_record_page("vaccination", "immunization:person", _("儿童预防接种页"))
        register_key_groups()
        post_save.connect(new_child_schedule, sender=Person, dispatch_uid="immunization_new_child")
        post_save.connect(
            person_birth_date_saved, sender=Person, dispatch_uid="immunization_birth_date"
        )
