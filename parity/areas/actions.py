"""Writes to the area tree."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parity.areas.choices import Level
from parity.areas.models import Area, place_path
from parity.areas.rules import StoredCodes, check_area_code
from parity.core.models import audit

BUNDLED_TREE = Path(__file__).parent / "data" / "baotou.yaml"


@dataclass
class TreeLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _walk(node: dict[str, Any], parent_code: str | None, level: int, out: list) -> None:
    code = str(node.get("code", "")).strip()
    name = str(node.get("name", "")).strip()
    if not code or not name:
        raise ValidationError(_("区划节点缺少代码或名称:%(node)s") % {"node": node})
    if level > Level.GRID:
        raise ValidationError(_("区划层级超过网格一级:%(code)s") % {"code": code})
    check_area_code(code, level=level, parent_code=parent_code, stored=StoredCodes.of([]))
    out.append((code, name, level, parent_code))
    for child in node.get("children") or []:
        _walk(child, code, level + 1, out)


@transaction.atomic
def area_tree_load(*, acting_user, tree: dict[str, Any]) -> TreeLoadResult:
    """Create or update the area tree from nested ``{code, name, children}`` data.

    Validates the whole tree before writing anything; running it twice changes nothing.
    """
    rows: list[tuple[str, str, int, str | None]] = []
    _walk(tree, None, Level.CITY, rows)
    codes = [r[0] for r in rows]
    if len(codes) != len(set(codes)):
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        raise ValidationError(_("区划代码重复:%(codes)s") % {"codes": ", ".join(dupes)})
    existing = {a.code: a for a in Area.objects.filter(code__in=codes)}
    # New codes must not overlap a stored node outside their line (older data may hold
    # such nodes: ``parity check_area_codes`` lists them).
    stored = StoredCodes.of(Area.objects.values_list("code", flat=True))
    for code, _name, level, parent_code in rows:
        if code not in existing:
            check_area_code(code, level=level, parent_code=parent_code, stored=stored)
    result = TreeLoadResult()
    by_code: dict[str, Area] = dict(existing)
    # Level by level, so that every parent has its primary key before its children.
    for level in range(Level.CITY, Level.GRID + 1):
        new, changed = [], []
        for code, name, row_level, parent_code in rows:
            if row_level != level:
                continue
            parent = by_code[parent_code] if parent_code else None
            area = existing.get(code)
            path = place_path(name, level, parent)
            if area is None:
                new.append(Area(code=code, name=name, level=level, parent=parent, path=path))
            elif (area.name, area.level, area.parent_id, area.path) != (
                name,
                level,
                parent and parent.pk,
                path,
            ):
                area.name, area.level, area.parent, area.path = name, level, parent, path
                changed.append(area)
            else:
                result.unchanged += 1
        for area in Area.objects.bulk_create(new):
            by_code[area.code] = area
        Area.objects.bulk_update(changed, ["name", "level", "parent", "path"])
        result.created += len(new)
        result.updated += len(changed)
    if result.created or result.updated:
        audit(
            acting_user=acting_user,
            action="area.load",
            object_type="areas.area",
            area_code=rows[0][0],
            after={"created": result.created, "updated": result.updated},
        )
    return result


def load_tree_file(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValidationError(_("区划文件格式不正确:顶层应为一个区划节点"))
    return data
