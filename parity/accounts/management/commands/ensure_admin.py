import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from parity.accounts.choices import Role
from parity.areas.models import Area


def _strong_password() -> str:
    """16 random characters, drawn again in the rare case the validators refuse them
    (create_superuser itself does not validate)."""
    while True:
        password = secrets.token_urlsafe(12)
        try:
            validate_password(password)
        except ValidationError:
            continue
        return password


class Command(BaseCommand):
    help = (
        "Create the embedded-mode administrator once (password kept in var/admin_password) "
        "and print the login. Running it again creates nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options):
        password_file = settings.VAR_DIR / "admin_password"
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = _strong_password()
            city = Area.objects.filter(level=1).order_by("code").first()
            User.objects.create_superuser(
                username=username,
                password=password,
                role=Role.ADMIN,
                area=city,
                first_name="管理员",
            )
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password, encoding="utf-8")
            password_file.chmod(0o600)
        elif password_file.exists():
            password = password_file.read_text(encoding="utf-8").strip()
        else:
            password = f"(unchanged; set with `parity changepassword {username}`)"
        self.stdout.write(self.style.SUCCESS(f"Administrator login: {username} / {password}"))
