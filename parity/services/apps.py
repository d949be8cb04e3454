from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "parity.services"
    label = "services"
    verbose_name = "基本公共服务"

    def ready(self) -> None:
        # AppConfig.ready: these modules import models, which need the app registry ready
        from parity.services.eligibility import register_flag
        from parity.services.keygroups import register_builtin_groups
        from parity.services.selectors import chronic_patient_q, employed_q

        register_flag("employed", _("在业"), employed_q)
        register_flag("chronic_patient", _("已登记的高血压或糖尿病患者"), chronic_patient_q)
        register_builtin_groups()
