"""The demo city's area tree, health service sites, their staff and the grid workers.

The bundled tree (``parity/areas/data/baotou.yaml``: the ten districts with their real
GB/T 2260 codes and a few streets each) is extended with generated streets, communities
and grids until the scale's counts are reached, and loaded with ``area_tree_load``, which
upserts by code: nothing already there is removed or renumbered.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from parity.accounts.choices import DepartmentKind, Role
from parity.accounts.models import Department, User
from parity.areas.actions import BUNDLED_TREE, area_tree_load, load_tree_file
from parity.areas.models import Area
from parity.demo.names import FEMALE_GIVEN, MALE_GIVEN, SURNAMES
from parity.demo.targets import Targets
from parity.services.choices import StaffRole
from parity.services.models import ProviderStaff

# Share of the communities in each district: the four urban districts and the high-tech
# zone hold most of the migrants (the report's grid management covers exactly these).
DISTRICT_WEIGHTS = {
    "150202": 16,
    "150203": 22,
    "150204": 16,
    "150205": 3,
    "150206": 2,
    "150207": 10,
    "150221": 9,
    "150222": 6,
    "150223": 5,
    "150271": 11,
}
RURAL = {"150221", "150222", "150223", "150206", "150205"}
STREET_WORDS = "建设和平友谊团结幸福光明民主胜利新华园林钢铁富强振华阿尔丁青年少先前进白云文化"
COMMUNITY_WORDS = "阳光春晖锦绣花园康乐兴盛丰泽富民安居明珠翠苑和顺华苑金桥银河枫林欣荣"
# Grid workers' usernames: the demo deletes exactly these when it replaces its data.
WORKER_PREFIX = "demo-grid-"
# Staff names; the sites' names carry this so that the demo can find its own again.
SITE_MARK = "(演示)"


@dataclass
class CityTree:
    districts: list[Area]
    communities: list[Area]
    grids: list[Area]
    worker_of_grid: dict[int, int] = field(default_factory=dict)  # grid id → user id
    sites: list[Department] = field(default_factory=list)
    site_of_district: dict[str, list[int]] = field(default_factory=dict)


def _word(rng: random.Random, words: str, n: int = 2) -> str:
    return "".join(rng.choice(words) for _ in range(n))


def _unused(rng: random.Random, words: str, suffix: str, used: set[str]) -> str:
    """A name of two words and the suffix that is not in ``used`` (and is added to it):
    a name appears once in a district, so that a grid named after its community does."""
    for _attempt in range(200):
        name = f"{_word(rng, words)}{suffix}"
        if name not in used:
            break
    else:  # two words ran out: a third makes one
        name = f"{_word(rng, words, 3)}{suffix}"
        while name in used:
            name = f"{_word(rng, words, 3)}{suffix}"
    used.add(name)
    return name


def build_tree(targets: Targets, rng: random.Random) -> dict:
    """The bundled tree, extended to ``targets.communities`` communities and
    ``targets.grids`` grids (every community gets one grid before any gets a second).
    Street names are unique in the city, community (and so grid) names in their district."""
    tree = load_tree_file(BUNDLED_TREE)
    districts = tree["children"]
    total_weight = sum(DISTRICT_WEIGHTS.get(d["code"], 5) for d in districts)
    communities: list[dict] = []
    street_names = {s["name"] for d in districts for s in d.get("children") or []}
    for district in districts:
        streets = district.setdefault("children", [])
        names = {c["name"] for s in streets for c in s.get("children") or []}
        wanted = max(
            1, round(targets.communities * DISTRICT_WEIGHTS.get(district["code"], 5) / total_weight)
        )
        have = [c for s in streets for c in s.get("children") or []]
        while len(have) < wanted:
            # Up to seven communities a street, as in a real street office.
            street = next((s for s in streets if len(s.get("children") or []) < 7), None)
            if street is None:
                code = f"{district['code']}{len(streets) + 1:03d}"
                kind = "镇" if district["code"] in RURAL and len(streets) % 2 else "街道"
                name = _unused(rng, STREET_WORDS, f"{len(streets) + 1}{kind}", street_names)
                street = {"code": code, "name": name}
                streets.append(street)
            children = street.setdefault("children", [])
            code = f"{street['code']}{len(children) + 1:03d}"
            children.append({"code": code, "name": _unused(rng, COMMUNITY_WORDS, "社区", names)})
            have.append(children[-1])
        communities.extend(have)
    grids = sum(len(c.get("children") or []) for c in communities)
    for community in communities:
        if not community.get("children"):
            community["children"] = [_grid(community, 1)]
            grids += 1
    index = 0
    while grids < targets.grids:
        community = communities[index % len(communities)]
        community["children"].append(_grid(community, len(community["children"]) + 1))
        grids += 1
        index += 1
    return tree


def _grid(community: dict, number: int) -> dict:
    return {
        "code": f"{community['code']}{number:03d}",
        "name": f"{community['name']}第{number}网格",
    }


def load_city(*, acting_user, targets: Targets, rng: random.Random) -> CityTree:
    area_tree_load(acting_user=acting_user, tree=build_tree(targets, rng))
    areas = list(Area.objects.order_by("code"))
    by_level: dict[int, list[Area]] = {}
    for area in areas:
        by_level.setdefault(area.level, []).append(area)
    city = CityTree(districts=by_level[2], communities=by_level[4], grids=by_level[5])
    _sites(city, targets, rng, {a.code: a for a in areas}, by_level[3])
    _staff(city, targets, rng)
    _workers(city, targets)
    return city


def _sites(city: CityTree, targets: Targets, rng, by_code: dict[str, Area], streets) -> None:
    """One health centre (or township hospital) per street first, then stations (or
    village clinics) in the communities, round robin, until the scale's count."""
    slots: list[tuple[Area, str]] = []
    for street in streets:
        rural = street.code[:6] in RURAL
        slots.append(
            (street, DepartmentKind.TOWNSHIP_HOSPITAL if rural else DepartmentKind.HEALTH_CENTRE)
        )
    communities = list(city.communities)
    rng.shuffle(communities)
    round_no = 0
    while len(slots) < targets.sites:
        for community in communities:
            rural = community.code[:6] in RURAL
            slots.append(
                (
                    community,
                    DepartmentKind.VILLAGE_CLINIC if rural else DepartmentKind.HEALTH_STATION,
                )
            )
            if len(slots) >= targets.sites:
                break
        round_no += 1
    labels = dict(DepartmentKind.choices)
    sites = []
    for number, (area, kind) in enumerate(slots[: targets.sites], start=1):
        name = f"{area.name}{labels[kind]}{number}{SITE_MARK}"
        sites.append(Department(name=name, kind=kind, area=area))
    city.sites = Department.objects.bulk_create(sites, batch_size=500)
    if not city.sites[0].pk:  # SQLite before 3.35 does not return ids
        city.sites = list(Department.objects.filter(name__endswith=SITE_MARK).order_by("id"))
    for site in city.sites:
        city.site_of_district.setdefault(site.area.code[:6], []).append(site.pk)


def _staff(city: CityTree, targets: Targets, rng) -> None:

    staff = []
    for number in range(targets.assistants):
        site = city.sites[number % len(city.sites)]
        given = rng.choice((MALE_GIVEN, FEMALE_GIVEN))
        staff.append(
            ProviderStaff(
                name=rng.choice(SURNAMES) + rng.choice(given) + rng.choice(given),
                role=StaffRole.HEALTH_SUPERVISION_ASSISTANT,
                department=site,
                area_code=site.area.code,
            )
        )
    ProviderStaff.objects.bulk_create(staff, batch_size=500)


def _workers(city: CityTree, targets: Targets) -> None:
    """One grid worker per community (on its first grid), then one more per 500 floating
    people, spread over the grids. Their passwords are unusable: an administrator sets
    one (``parity changepassword demo-grid-…``) to sign in as a grid worker."""
    first_grid: dict[str, Area] = {}
    for grid in city.grids:
        first_grid.setdefault(grid.code[:12], grid)
    assigned = list(first_grid.values())
    extra = round(targets.floating / 500)
    others = [g for g in city.grids if first_grid[g.code[:12]].pk != g.pk] or city.grids
    assigned += [others[i % len(others)] for i in range(extra)]
    users = []
    for number, grid in enumerate(assigned, start=1):
        user = User(
            username=f"{WORKER_PREFIX}{number:05d}",
            role=Role.GRID_WORKER,
            area=grid,
            first_name=grid.name[:150],
        )
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=500)
    ids = dict(User.objects.filter(username__startswith=WORKER_PREFIX).values_list("area_id", "pk"))
    city.worker_of_grid = {g.pk: ids[first_grid[g.code[:12]].pk] for g in city.grids}
    city.worker_of_grid.update(ids)
