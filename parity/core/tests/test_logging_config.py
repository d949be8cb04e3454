"""The per-app loggers configured in config/settings.py (LOG_LEVEL, LOG_LEVEL_<APP>).
Settings are read once per process, so each case starts a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import logging
import django
django.setup()
for name in ("parity.people.imports.engine", "parity.services.api", "parity.security"):
    print(name, logging.getLevelName(logging.getLogger(name).getEffectiveLevel()))
"""


def _start(**env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    environment.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True
    )


def test_an_apps_own_level_overrides_log_level_for_its_modules_only():
    started = _start(LOG_LEVEL="warning", LOG_LEVEL_PEOPLE="debug")

    assert started.returncode == 0, started.stderr
    assert started.stdout.split("\n")[:3] == [
        "parity.people.imports.engine DEBUG",
        "parity.services.api WARNING",
        "parity.security INFO",  # security events are kept whatever the level
    ]


def test_a_level_that_is_not_one_is_refused_at_start():
    started = _start(LOG_LEVEL_PEOPLE="loud")

    assert started.returncode != 0
    assert "LOG_LEVEL_PEOPLE must be one of" in started.stderr
