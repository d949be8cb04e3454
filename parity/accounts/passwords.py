"""Password validators with Parity's own Chinese message where the stock one has none."""

from __future__ import annotations

from django.contrib.auth.password_validation import MinimumLengthValidator as _MinimumLength
from django.utils.translation import gettext as _


class MinimumLengthValidator(_MinimumLength):
    """Django's length check. Django 5.2 reworded its message, and its Chinese catalogue
    still translates only the old wording, so the refusal would show in English."""

    def get_error_message(self) -> str:
        return _("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
