#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    from parity.core.files import private_umask

    private_umask()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
