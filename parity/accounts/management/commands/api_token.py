from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parity.api.actions import api_token_issue


class Command(BaseCommand):
    help = (
        "Print the REST API token of USERNAME, creating it if the user has none "
        "(--reset replaces it). Clients send it as `Authorization: Token <key>`."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reset", action="store_true", help="replace an existing token")

    def handle(self, *args, username: str, reset: bool, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("用户 %(name)s 不存在") % {"name": username})
        if not user.is_active:
            raise CommandError(_("用户 %(name)s 已停用") % {"name": username})
        token, created = api_token_issue(acting_user=None, user=user, reset=reset)
        if created:
            # The key alone goes to stdout, so that `parity api_token NAME` can be piped.
            self.stderr.write(_("已为 %(name)s 生成新的接口令牌") % {"name": username})
        self.stdout.write(token.key)
