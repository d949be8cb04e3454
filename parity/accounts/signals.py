"""The administrator's generated password (``parity ensure_admin``) is kept in
``var/admin_password`` only until it is changed: the file is deleted then, by whatever path
the password changes (the admin site, ``parity changepassword``, ``set_password``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import check_password


def admin_password_file():
    return settings.VAR_DIR / "admin_password"


def forget_generated_password(sender, instance, raw=False, **kwargs) -> None:
    """``pre_save`` of users: when a user whose password is the generated one gets a new
    password, the file that holds the old one is deleted."""
    # ``set_password`` keeps the new clear password in ``_password`` until the save.
    if raw or instance.pk is None or getattr(instance, "_password", None) is None:
        return
    path = admin_password_file()
    if not path.exists():
        return
    old_hash = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    generated = path.read_text(encoding="utf-8").strip()
    if old_hash and check_password(generated, old_hash) and instance._password != generated:
        path.unlink(missing_ok=True)
