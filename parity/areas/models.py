from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from parity.accounts.permissions import scope_code
from parity.areas.choices import Level
from parity.areas.rules import check_area_code


class AreaQuerySet(models.QuerySet["Area"]):
    def within(self, code: str) -> AreaQuerySet:
        """The node with this code and everything below it."""
        return self.filter(code__startswith=code)

    def grids(self) -> AreaQuerySet:
        return self.filter(level=Level.GRID)

    def root(self) -> Area | None:
        """The top of the tree (the city): the first node without a parent."""
        return self.filter(parent__isnull=True).order_by("code").first()

    def restrict(self, user, action: str = "view") -> AreaQuerySet:
        code = scope_code(user, action)
        if code is None:
            return self.none()
        return self.within(code) if code else self

    # Users see the branch above their own node too, for orientation, but not its siblings.
    def visible_to(self, user) -> AreaQuerySet:
        code = scope_code(user, "view")
        if code is None:
            return self.none()
        if not code:
            return self
        ancestors = [code[:n] for n in range(1, len(code))]
        return self.filter(models.Q(code__startswith=code) | models.Q(code__in=ancestors))


PATH_SEPARATOR = " › "


def place_path(name: str, level: int, parent: Area | None) -> str:
    """Where a node lies, as a clerk reads it: a street or anything above by its name; a
    community as 街道 › 社区; a grid as 街道 › 社区 › 网格, the grid without its
    community's name when it repeats it (阳光社区第1网格 → 第1网格)."""
    if parent is None or level <= Level.STREET:
        return name
    own = name
    if name.startswith(parent.name) and len(name) > len(parent.name):
        own = name[len(parent.name) :]
    return f"{parent.path or parent.name}{PATH_SEPARATOR}{own}"


class Area(models.Model):
    """A node of the area tree: city → district → street → community → grid.

    Codes nest: a child's code starts with its parent's (city 1502, district 150203,
    street 150203001, community 150203001001, grid 150203001001001), so a subtree is a
    code prefix and every record can be restricted with one indexed ``LIKE 'prefix%'``.
    """

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    # Kept by ``save`` and ``areas.actions.area_tree_load`` from the parent's: lists show
    # a grid by it, without reading its parents (the demo city has a 阳光社区 in two
    # districts, each with a 第1网格).
    path = models.CharField(_("位置"), max_length=300, blank=True, editable=False)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("区划")
        verbose_name_plural = _("区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5),
                name="%(app_label)s_%(class)s_level_range",
            ),
        ]
        indexes = [models.Index(fields=["level", "code"], name="areas_area_level_code")]

    def __str__(self) -> str:
        return f"{self.name}({self.code})"

    def save(self, *args, **kwargs) -> None:
        self.path = place_path(self.name, self.level, self.parent)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "path"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Codes are fixed once created (scope is a prefix of them): a new node's code must
        # follow the structure of its level (parity.areas.rules).
        if self._state.adding and self.code and self.level in Level.values:
            check_area_code(
                self.code,
                level=self.level,
                parent_code=self.parent.code if self.parent is not None else None,
            )

    @property
    def is_grid(self) -> bool:
        return self.level == Level.GRID

    def ancestors(self) -> list[Area]:
        chain: list[Area] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def full_name(self) -> str:
        return "".join(a.name for a in [*self.ancestors(), self][1:]) or self.name
