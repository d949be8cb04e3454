from django.apps import AppConfig


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
