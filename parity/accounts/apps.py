from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "parity.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        # Signal receivers: lockouts to the audit log, sign-in time and enrolment into the
        # session.
        from parity.accounts import lockout, sessions, two_factor  # noqa: F401
