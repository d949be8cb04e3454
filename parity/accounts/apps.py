from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "parity.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        # Signal receivers: lockouts to the audit log, sign-in time and enrolment into the
        # session.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_save

        from parity.accounts import lockout, sessions, two_factor  # noqa: F401
        from parity.accounts.signals import forget_generated_password

        pre_save.connect(
            forget_generated_password,
            sender=get_user_model(),
            dispatch_uid="parity.accounts.forget_generated_password",
        )
