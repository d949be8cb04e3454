"""The ``parity`` console command: Django's management commands with Parity's settings."""

import os
import sys

from django.core.management import execute_from_command_line

from parity.core.files import private_umask


def main() -> None:
    private_umask()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    execute_from_command_line(["parity", *sys.argv[1:]])
