"""The demo city's area tree (``parity.demo.tree``): places are unambiguous."""

from __future__ import annotations

import random
from collections import Counter

from parity.demo.targets import Targets
from parity.demo.tree import build_tree


def _walk(node: dict, depth: int = 1):
    yield depth, node
    for child in node.get("children") or []:
        yield from _walk(child, depth + 1)


def test_grid_and_community_names_are_unique_in_their_district_and_streets_in_the_city():
    """Issue 13: the generated communities drew two words at random, so a district of a
    hundred communities had several of the same name (and their grids with them)."""
    tree = build_tree(Targets.for_scale(1), random.Random(2014))
    streets = [n["name"] for depth, n in _walk(tree) if depth == 3]
    assert len(streets) > 60
    assert not [name for name, n in Counter(streets).items() if n > 1]
    for district in tree["children"]:
        for level in (4, 5):
            names = [n["name"] for depth, n in _walk(district, 2) if depth == level]
            repeated = [name for name, n in Counter(names).items() if n > 1]
            assert not repeated, (district["name"], level, repeated)
