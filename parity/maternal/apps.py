from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class MaternalConfig(AppConfig):
    name = "parity.maternal"
    label = "maternal"
    verbose_name = "妇幼保健"

    def ready(self) -> None:
        # AppConfig.ready: these modules import models, which need the app registry ready
        from parity.maternal import selectors
        from parity.maternal.due import birth_saved, check_deleted, check_saved, person_saved
        from parity.maternal.keygroups import register as register_key_groups
        from parity.maternal.models import (
            AntenatalVisit,
            ChildHealthCheck,
            PostpartumVisit,
            Pregnancy,
        )
        from parity.maternal.visit_due import pregnancy_saved, visit_deleted, visit_saved
        from parity.people.models import Person
        from parity.services.eligibility import register_delivered, register_flag
        from parity.services.recording import register_record_page

        register_flag("pregnant", _("现孕"), selectors.pregnant_q)
        register_delivered(
            "antenatal_on_track", _("产前检查无逾期"), selectors.antenatal_on_track_q
        )
        register_delivered(
            "child_checks_on_track", _("儿童健康检查无逾期"), selectors.child_checks_on_track_q
        )
        register_record_page("maternal_health", "maternal:person", _("孕产妇保健页"))
        register_record_page("child_health", "maternal:child_checks", _("儿童健康检查页"))
        register_key_groups()
        # ``ChildCheckDue`` follows every write through the ORM that changes a child's
        # overdue days (``due.py``): bulk paths are covered by the nightly refresh.
        post_save.connect(person_saved, sender=Person, dispatch_uid="maternal_check_dues_person")
        post_save.connect(check_saved, sender=ChildHealthCheck, dispatch_uid="maternal_dues_check")
        post_delete.connect(
            check_deleted, sender=ChildHealthCheck, dispatch_uid="maternal_dues_check_deleted"
        )
        post_save.connect(birth_saved, sender=Pregnancy, dispatch_uid="maternal_dues_birth")
        # ``PregnancyVisitDue`` likewise follows the pregnancies and their visits
        # (``visit_due.py``).
        post_save.connect(
            pregnancy_saved, sender=Pregnancy, dispatch_uid="maternal_visit_dues_pregnancy"
        )
        for model in (AntenatalVisit, PostpartumVisit):
            label = model._meta.model_name
            post_save.connect(visit_saved, sender=model, dispatch_uid=f"maternal_dues_{label}")
            post_delete.connect(
                visit_deleted, sender=model, dispatch_uid=f"maternal_dues_{label}_deleted"
            )
