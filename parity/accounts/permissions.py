"""The one permission gate: which area subtree a user may see or change, by role.

``scope_code(user, action)`` returns the area-code prefix the user may act on (``""`` for
the whole city), or ``None`` when the role does not allow the action at all. Every
``.restrict(user, action)`` queryset method is built on it.
"""

from __future__ import annotations

from django.conf import settings

from parity.accounts.choices import Role

VIEW, CHANGE, REVEAL, AUDIT = "view", "change", "reveal", "audit"
# Record a service delivered to a person (health record, vaccination, visit, …).
SERVE = "serve"
# Set targets and recompute the indicator cache for an area (目标考核).
ASSESS = "assess"
# Define, change or switch off indicators (city-wide: administrators only).
DEFINE = "define"

# What each role may do on records inside its access area.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({VIEW, CHANGE, REVEAL, AUDIT, SERVE, ASSESS, DEFINE}),
    Role.OFFICIAL: frozenset({VIEW, ASSESS}),
    Role.COMMUNITY_OFFICER: frozenset({VIEW, CHANGE, REVEAL, SERVE}),
    Role.GRID_WORKER: frozenset({VIEW, CHANGE, REVEAL, SERVE}),
    Role.SERVICE_PROVIDER: frozenset({VIEW, SERVE}),
    Role.AUDITOR: frozenset({VIEW, AUDIT}),
}


def allows(user, action: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return action in ROLE_ACTIONS.get(user.role, frozenset())


def scope_code(user, action: str = VIEW) -> str | None:
    if not allows(user, action):
        return None
    if user.is_superuser:
        return ""
    if user.area_id is None:
        # A user without an access area sees nothing, whatever the role.
        return None
    return user.area.code


def in_scope(user, area_code: str | None, action: str = VIEW) -> bool:
    code = scope_code(user, action)
    if code is None or area_code is None:
        return code == ""
    return area_code.startswith(code)


def city_wide(user, action: str) -> bool:
    """Whether the user may act on the whole city: a superuser, or a user whose access
    area is the city itself (its code, or a prefix of it)."""
    code = scope_code(user, action)
    return code is not None and settings.PARITY_CITY_CODE.startswith(code)
