"""Origin lookup: any GB/T 2260 county code → province, prefecture and county names.

Uses python-stdnum's dated table, so retired codes (e.g. 110103 崇文区, until 2010) still
resolve; ``year`` picks the name in force that year when a code was renamed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import stdnum
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


_PLACE_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "地区",
    "省",
    "市",
    "盟",
    "区",
    "县",
    "旗",
)


def _short(name: str) -> str:
    for suffix in _PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _places() -> dict[str, dict[str, dict[str, str]]]:
    """Province code → {prefecture code → {county code → name}}, with every name in force
    at some time (a county renamed is found by either name)."""
    tree: dict[str, dict[str, dict[str, str]]] = {}
    province = ""
    data = Path(stdnum.__file__).parent / "cn" / "loc.dat"
    for line in data.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line[:2]
            tree.setdefault(province, {})
            continue
        code, _sep, rest = line.strip().partition(" ")
        names = rest.partition("=")[2].strip('"')
        full = province + code
        for part in names.split(","):
            match = _DATED.match(part)
            name = match.group(3) if match else part
            prefecture = full[:4]
            tree[province].setdefault(prefecture, {})
            tree[province][prefecture].setdefault(full, name)
            tree[province][prefecture][full + "|" + name] = name
    return tree


def code_for_place(text: str) -> str | None:
    """The GB/T 2260 code of a place written out (「河南省郑州市金水区」, 「河南 郑州 金水」,
    「内蒙古包头市」): the county's code when it is named, else the prefecture's or the
    province's; ``None`` when the province cannot be told."""
    place = "".join(str(text or "").split())
    if not place:
        return None
    provinces = province_names()
    found = None
    for code, name in provinces.items():
        for form in (name, _short(name)):
            if place.startswith(form) and (found is None or len(form) > found[1]):
                found = (code, len(form))
    if found is None:
        return None
    code, length = found
    rest = place[length:]
    tree = _places().get(code, {})
    best = f"{code}0000"
    prefecture_code = None
    for prefix, counties in tree.items():
        if prefix.endswith("00"):
            continue
        head = counties.get(prefix + "00")
        if head is None:
            continue
        names = {v for k, v in counties.items() if k.startswith(prefix + "00|")} | {head}
        for name in names:
            for form in (name, _short(name)):
                if form and rest.startswith(form):
                    prefecture_code, rest_after = prefix, rest[len(form) :]
                    break
            if prefecture_code == prefix:
                break
        if prefecture_code == prefix:
            rest = rest_after
            best = prefix + "00"
            break
    if not rest:
        return best
    scopes = [prefecture_code] if prefecture_code else list(tree)
    for prefix in scopes:
        counties = tree.get(prefix, {})
        for key, name in counties.items():
            code6 = key.split("|", 1)[0]
            if code6.endswith("00") or name in ("市辖区", "县"):
                continue
            if rest.startswith(name) or (len(_short(name)) >= 2 and rest.startswith(_short(name))):
                return code6
    return best
