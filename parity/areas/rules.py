"""The structure of area codes, checked wherever a node is created (loader, admin, model).

A user's scope is a code prefix (``code LIKE 'prefix%'``), so a code that is a prefix of a
node outside its own subtree would let its users see that node's records. Codes therefore
have a fixed length per level, each extending its parent's (DESIGN.md, baotou.yaml):

    city       4 digits (the GB/T 2260 prefecture prefix, as ``PARITY_CITY_CODE``)   1502
    district   6 digits (GB/T 2260 county code: city + 2, not 00)                   150203
    street     9 digits (district + 3, not 000; GB/T 10114 township code)           150203001
    community 12 digits (street + 3, not 000)                                       150203001001
    grid      15 digits (community + 3, not 000)                                    150203001001001

With every code of the right length, a code that starts with another is exactly its
descendant; ``check_area_code`` also looks at the codes already stored, since data from
before this rule may hold codes of other lengths.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from parity.areas.choices import Level
from parity.core.error_codes import ErrorCode


def code_length(level: int) -> int:
    if level == Level.CITY:
        return len(settings.PARITY_CITY_CODE)
    lengths: dict[int, int] = {
        Level.DISTRICT: 6,
        Level.STREET: 9,
        Level.COMMUNITY: 12,
        Level.GRID: 15,
    }
    return lengths[level]


def _lengths(levels: Iterable[int]) -> set[int]:
    return {code_length(level) for level in levels}


def _error(message: str, code: ErrorCode) -> ValidationError:
    return ValidationError({"code": ValidationError(message, code=code)})


def _structure(code: str, level: int, parent_code: str | None) -> None:
    level_name = Level(level).label
    length = code_length(level)
    if not (code.isascii() and code.isdigit()):
        raise _error(
            _("%(level)s代码只能由数字 0-9 组成:%(code)s") % {"level": level_name, "code": code},
            ErrorCode.AREA_CODE_FORMAT,
        )
    if parent_code is None:
        if level != Level.CITY:
            raise _error(
                _("%(level)s %(code)s 须有上级区划") % {"level": level_name, "code": code},
                ErrorCode.AREA_CODE_PARENT,
            )
    elif not code.startswith(parent_code) or code == parent_code:
        raise _error(
            _("%(level)s代码 %(code)s 应以上级代码 %(parent)s 开头")
            % {"level": level_name, "code": code, "parent": parent_code},
            ErrorCode.AREA_CODE_PARENT,
        )
    if len(code) != length:
        if parent_code is None:
            expected = _("%(level)s代码应为 %(length)d 位数字") % {
                "level": level_name,
                "length": length,
            }
        else:
            expected = _("%(level)s代码应为 %(length)d 位数字(上级代码 %(parent)s 加 %(n)d 位)") % {
                "level": level_name,
                "length": length,
                "parent": parent_code,
                "n": length - len(parent_code),
            }
        raise _error(
            expected + _(",%(code)s 是 %(actual)d 位") % {"code": code, "actual": len(code)},
            ErrorCode.AREA_CODE_FORMAT,
        )
    if parent_code is not None and set(code[len(parent_code) :]) == {"0"}:
        raise _error(
            _("%(level)s代码 %(code)s 的本级序号不能全为 0") % {"level": level_name, "code": code},
            ErrorCode.AREA_CODE_FORMAT,
        )


@dataclass(frozen=True)
class StoredCodes:
    """Codes already stored, sorted, for prefix checks without a query per node."""

    codes: list[str]

    @classmethod
    def of(cls, codes: Iterable[str]) -> StoredCodes:
        return cls(sorted(set(codes)))

    def starting_with(self, prefix: str) -> list[str]:
        # In sorted order, the codes with a given prefix follow each other from its place.
        found = []
        for code in self.codes[bisect.bisect_left(self.codes, prefix) :]:
            if not code.startswith(prefix):
                break
            found.append(code)
        return found

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, str):
            return False
        index = bisect.bisect_left(self.codes, code)
        return index < len(self.codes) and self.codes[index] == code


def _overlaps(code: str, level: int, stored: StoredCodes | None) -> list[str]:
    """Stored codes that overlap ``code`` without being its ancestor or descendant."""
    above = _lengths(range(Level.CITY, level))
    below = _lengths(range(level + 1, Level.GRID + 1))
    prefixes = [code[:n] for n in range(1, len(code)) if n not in above]
    if stored is None:
        # deferred: areas.models imports this module (Area.clean checks codes here)
        from parity.areas.models import Area

        clash = (
            Area.objects.annotate(n=Length("code"))
            .filter(Q(code__in=prefixes) | (Q(code__startswith=code) & ~Q(n__in=below)))
            .exclude(code=code)
        )
        return sorted(clash.values_list("code", flat=True))
    found = [p for p in prefixes if p in stored]
    found += [c for c in stored.starting_with(code) if c != code and len(c) not in below]
    return sorted(found)


def check_area_code(
    code: str, *, level: int, parent_code: str | None, stored: StoredCodes | None = None
) -> None:
    """Raise a ``ValidationError`` on ``code`` unless it is a well-formed code of ``level``
    under ``parent_code`` that overlaps no stored code outside its own line (``stored``:
    the stored codes, or ``None`` to ask the database)."""
    _structure(code, level, parent_code)
    clash = _overlaps(code, level, stored)
    if clash:
        raise _error(
            _(
                "区划代码 %(code)s 与已有区划 %(others)s 重叠:二者互为前缀却不是上下级,"
                "会让一方的用户看到另一方的记录"
            )
            % {"code": code, "others": "、".join(clash[:5])},
            ErrorCode.AREA_CODE_OVERLAP,
        )


@dataclass(frozen=True)
class CodeProblem:
    code: str
    name: str
    message: str


def area_code_problems() -> list[CodeProblem]:
    """Every stored area whose code breaks the rule (data from before it existed), with
    the nodes outside its line that its users' scope reaches. Only the malformed node is
    listed: with every code well formed, no two overlap."""
    # deferred: areas.models imports this module (Area.clean checks codes here)
    from parity.areas.models import Area

    areas = list(Area.objects.select_related("parent").order_by("code"))
    stored = StoredCodes.of(a.code for a in areas)
    by_code = {a.code: a for a in areas}
    by_id = {a.pk: a for a in areas}
    problems = []
    for area in areas:
        try:
            if area.parent is not None and area.level != area.parent.level + 1:
                raise _error(
                    _("层级 %(level)d 与上级层级 %(parent)d 不相接")
                    % {"level": area.level, "parent": area.parent.level},
                    ErrorCode.AREA_CODE_PARENT,
                )
            _structure(area.code, area.level, area.parent.code if area.parent else None)
        except ValidationError as exc:
            message = " ".join(exc.messages)
            reached = [c for c in stored.starting_with(area.code) if c != area.code]
            reached = [c for c in reached if not _descends(by_code[c], area, by_id)]
            if reached:
                message += _(";其用户的范围还覆盖不属于其下级的 %(n)d 个区划(%(codes)s)") % {
                    "n": len(reached),
                    "codes": "、".join(reached[:3]) + ("…" if len(reached) > 3 else ""),
                }
            problems.append(CodeProblem(area.code, area.name, message))
    return problems


def _descends(node, ancestor, by_id: dict) -> bool:
    while node is not None and node.parent_id is not None:
        if node.parent_id == ancestor.pk:
            return True
        node = by_id.get(node.parent_id)
    return False
