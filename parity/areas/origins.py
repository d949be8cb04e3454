"""Origin lookup: any GB/T 2260 county code → province, prefecture and county names.

Uses python-stdnum's dated table, so retired codes (e.g. 110103 崇文区, until 2010) still
resolve; ``year`` picks the name in force that year when a code was renamed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from stdnum import numdb

_DATED = re.compile(r"^\[(\d*)-(\d*)\](.*)$")

# Codes outside the mainland table (DOMAIN.md §1).
_SPECIAL = {"81": "香港特别行政区", "82": "澳门特别行政区", "83": "台湾省"}
# Functional areas that python-stdnum's table lacks but local registers use.
_SUPPLEMENT = {"150271": "包头稀土高新技术产业开发区"}


@dataclass(frozen=True, slots=True)
class Origin:
    code: str
    province: str
    prefecture: str
    county: str
    known: bool

    @property
    def province_code(self) -> str:
        return self.code[:2]

    @property
    def label(self) -> str:
        parts = [self.province]
        if self.prefecture and self.prefecture not in (self.province, "市辖区", "县"):
            parts.append(self.prefecture)
        if self.county and self.county not in parts and self.county != "市辖区":
            parts.append(self.county)
        return "".join(parts) if self.known else f"未知地区({self.code})"


def _pick(names: str, year: int | None) -> str:
    choices = []
    for part in names.split(","):
        match = _DATED.match(part)
        if not match:
            return part
        start, end, name = match.groups()
        choices.append((int(start) if start else 0, int(end) if end else 9999, name))
    if year is not None:
        for start, end, name in choices:
            if start <= year <= end:
                return name
    return max(choices)[2] if choices else ""


def _info(code: str) -> dict[str, str]:
    results = numdb.get("cn/loc").info(code)
    return {k: v for _part, props in results for k, v in props.items()}


@lru_cache(maxsize=8192)
def lookup(code: str, year: int | None = None) -> Origin:
    code = str(code)[:6]
    if len(code) != 6 or not code.isdigit():
        return Origin(code, "", "", "", False)
    if code[:2] in _SPECIAL:
        name = _SPECIAL[code[:2]]
        return Origin(code, name, "", "", True)
    province = _info(code[:2] + "0000").get("province", "")
    prefecture_info = _info(code[:4] + "00") if code[2:4] != "00" else {}
    county_info = _info(code) if code[4:] != "00" else {}
    prefecture = _pick(prefecture_info["county"], year) if "county" in prefecture_info else ""
    county = _pick(county_info["county"], year) if "county" in county_info else ""
    county = county or _SUPPLEMENT.get(code, "")
    known = bool(province) and (code[4:] == "00" or bool(county))
    return Origin(code, province, prefecture, county, known)


def is_known(code: str) -> bool:
    return lookup(code).known


def province_names() -> dict[str, str]:
    """Two-digit province code → name, for every province in the table."""
    names: dict[str, str] = dict(_SPECIAL)
    for prefix in range(11, 66):
        name = _info(f"{prefix:02d}0000").get("province")
        if name:
            names[f"{prefix:02d}"] = name
    return names
