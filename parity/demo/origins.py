"""Real county codes (GB/T 2260, from python-stdnum's dated table) by province."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from stdnum import numdb


@lru_cache(maxsize=1)
def counties_by_province() -> dict[str, list[str]]:
    """Two-digit province code → its county-level codes (``xxxxyy``, ``yy`` ≠ 00)."""
    found: dict[str, list[str]] = {}

    def walk(parts, prefix: str) -> None:
        for _length, low, high, props, children in parts:
            if low != high:
                continue
            code = prefix + low
            if len(code) == 6 and "county" in props and code[2:4] != "00" and code[4:] != "00":
                found.setdefault(code[:2], []).append(code)
            walk(children, code)

    walk(numdb.get("cn/loc").prefixes, "")
    return {k: sorted(v) for k, v in sorted(found.items())}


def home_province() -> str:
    return settings.PARITY_CITY_CODE[:2]


def other_provinces() -> list[str]:
    """The 30 other mainland provinces (Hong Kong, Macao and Taiwan have no counties)."""
    return [p for p in counties_by_province() if p != home_province()]


def home_province_counties() -> list[str]:
    """Counties of the home province outside the city: their people are floating here."""
    city = settings.PARITY_CITY_CODE
    return [c for c in counties_by_province()[home_province()] if not c.startswith(city)]


# Hong Kong residents with a residence permit: the 32nd region of origin.
HONG_KONG = "810000"
