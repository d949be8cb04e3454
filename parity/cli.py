"""The ``parity`` console command: Django's management commands with Parity's settings."""

import os
import sys


def main() -> None:
    from parity.core.files import private_umask

    private_umask()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["parity", *sys.argv[1:]])
