"""The users of ``bench/load.py`` (run by it, not by hand): one class per role, each logged
in with the session ``load.py`` made, and a static-file user as the same run's baseline.
Requests are named ``role page`` so that each page's times are reported per role."""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

with open(os.environ["PARITY_LOAD_PLAN"], encoding="utf-8") as _plan:
    PLAN = json.load(_plan)

# Seconds a user waits between two pages (``load.py --think``).
THINK = between(*PLAN.get("think", (0.1, 1.0)))


def _role_user(role: str, session: dict) -> type[HttpUser]:
    class RoleUser(HttpUser):
        wait_time = THINK
        weight = 4

        def on_start(self) -> None:
            self.client.cookies.set("sessionid", session["cookie"])

        @task
        def page(self) -> None:
            path = random.choice(session["pages"])
            with self.client.get(path, name=f"{role} {path}", catch_response=True) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")
                elif "/accounts/login/" in response.url:
                    response.failure("sent to the login page")

    RoleUser.__name__ = f"{role.title().replace('_', '')}User"
    return RoleUser


class StaticUser(HttpUser):
    """The baseline: a static file through the same workers under the same load."""

    wait_time = THINK
    weight = 1

    @task
    def static(self) -> None:
        self.client.get(PLAN["static"], name="static file")


for _role, _session in PLAN["sessions"].items():
    globals()[f"{_role}_user"] = _role_user(_role, _session)
