from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "parity.certificates"
    label = "certificates"
    verbose_name = "婚育证明与居住证"

    def ready(self) -> None:
        # AppConfig.ready: these modules import models, which need the app registry ready
        from parity.certificates import eligible, selectors
        from parity.certificates.keygroups import register as register_key_groups
        from parity.people.models import Person
        from parity.people.signals import people_written
        from parity.services.eligibility import register_delivered, register_flag
        from parity.services.recording import register_record_page

        register_delivered("has_certificate", _("已查验婚育证明"), selectors.has_certificate_q)
        register_flag("permit_basis", _("有合法稳定就业、住所或连续就读"), selectors.permit_basis_q)
        register_delivered("permit_valid", _("持有效居住证"), selectors.permit_valid_q)
        register_record_page("marriage_certificate", "certificates:person", _("婚育证明页"))
        register_record_page("residence_permit", "certificates:permit", _("居住证页"))
        register_key_groups()
        # ``Person.permit_eligible_on`` follows every write through the ORM that changes
        # it (``eligible.py``); bulk paths refresh the people they wrote.
        post_save.connect(
            eligible.person_saved, sender=Person, dispatch_uid="certificates_eligible_person"
        )
        people_written.connect(eligible.people_written, dispatch_uid="certificates_eligible_bulk")
        for model in eligible.RECORDS:
            label = model._meta.label_lower
            post_save.connect(
                eligible.record_saved, sender=model, dispatch_uid=f"certificates_eligible_{label}"
            )
            post_delete.connect(
                eligible.record_deleted,
                sender=model,
                dispatch_uid=f"certificates_eligible_{label}_deleted",
            )
