from django.apps import AppConfig
from django.db.models import QuerySet


class MaternalConfig(AppConfig):
    name = "parity.maternal"
    label = "maternal"
    verbose_name = "妇幼保健"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from parity.maternal import selectors
        from parity.services.eligibility import register_delivered, register_flag

        register_flag("pregnant", _("现孕"), selectors.pregnant_q)
        register_delivered(
            "antenatal_on_track", _("产前检查无逾期"), selectors.antenatal_on_track_q
        )
        register_delivered(
            "child_checks_on_track", _("儿童健康检查无逾期"), selectors.child_checks_on_track_q
        )

        from parity.services.recording import register_record_page

        register_record_page("maternal_health", "maternal:person", _("孕产妇保健页"))
        register_record_page("child_health", "maternal:child_checks", _("儿童健康检查页"))

        from parity.maternal.keygroups import register as register_key_groups

        register_key_groups()

        from django.db.models.signals import post_delete, post_save

        from parity.maternal.models import ChildHealthCheck, Pregnancy
        from parity.people.models import Person

        post_save.connect(_person_saved, sender=Person, dispatch_uid="maternal_check_dues_person")
        post_save.connect(_check_saved, sender=ChildHealthCheck, dispatch_uid="maternal_dues_check")
        post_delete.connect(
            _check_deleted, sender=ChildHealthCheck, dispatch_uid="maternal_dues_check_deleted"
        )
        post_save.connect(_birth_saved, sender=Pregnancy, dispatch_uid="maternal_dues_birth")


# ``ChildCheckDue`` follows every write through the ORM that changes a child's overdue days:
# the person (a new child, a corrected birth date), a check, a delivery record naming the
# child (the discharge date anchors the newborn visit). Bulk paths (imports, the demo) skip
# signals and are covered by the nightly refresh.


def _refresh(person_id: int) -> None:
    from parity.maternal.due import refresh_child
    from parity.people.models import Person

    person = Person.objects.filter(pk=person_id).only("pk", "birth_date").first()
    if person is not None:
        refresh_child(person)


def _person_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    from parity.maternal.due import is_child, refresh_child

    update_fields = kwargs.get("update_fields")
    if raw or (update_fields is not None and "birth_date" not in update_fields):
        return
    # A person's rows end by their eighth birthday or so; an adult's are never read.
    if is_child(instance.birth_date):
        refresh_child(instance)


def _check_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        _refresh(instance.person_id)


def _check_deleted(sender, instance, origin=None, **kwargs) -> None:
    from parity.people.models import Person

    deleting_people = isinstance(origin, Person) or (
        isinstance(origin, QuerySet) and origin.model is Person
    )
    if not deleting_people:
        _refresh(instance.person_id)


def _birth_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw and instance.child_id is not None:
        _refresh(instance.child_id)
