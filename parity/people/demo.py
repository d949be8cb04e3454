"""A deterministic demo population for the demo city, written through the import engine.

Families and single migrants are generated as template rows, validated by the same
``RowValidator`` as an uploaded file and written by the same ``PeopleWriter``; dwellings
and households are keyed deterministically (a dwelling by grid and address, a household
by its head), so running it again with the same seed writes nothing new.

Shape (DESIGN.md, DOMAIN.md §9): inflow is the majority, some outflow, registered
residents as the comparison group; about 45% of the floating population comes from
outside Inner Mongolia; 60% of it lives in rented housing; 70% of working migrants work in
service industries (sections F–T).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from parity.areas.models import Area
from parity.core import crypto
from parity.core.models import audit
from parity.housing.models import Dwelling
from parity.people.choices import SERVICE_INDUSTRIES, HousingType, LandlordKind, Relation
from parity.people.idnumber import with_check_digit
from parity.people.imports.columns import HEADERS
from parity.people.imports.engine import CHUNK_ROWS
from parity.people.imports.records import PersonRecord
from parity.people.imports.rows import RowValidator
from parity.people.imports.writer import PeopleWriter
from parity.people.models import Household, HouseholdMember, Person

# All dates are drawn relative to this day, never to today, so a second run is identical.
DEMO_DATE = dt.date(2025, 6, 30)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
MALE_GIVEN = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳亮成建志国峰"
FEMALE_GIVEN = "芳娜敏静丽艳娟霞秀英慧玲桂兰萍红梅琳雪倩婷燕丹颖佳欣悦怡洁琴云莉晶璐璇"

# Inner Mongolia outside Baotou (1502), and the provinces Baotou's migrants come from.
INNER_MONGOLIA = [
    "150102",
    "150105",
    "150121",
    "150122",
    "150302",
    "150402",
    "150404",
    "150502",
    "150602",
    "150621",
    "150622",
    "150802",
    "150821",
    "150902",
    "150921",
    "150925",
    "152201",
    "152501",
]
OTHER_PROVINCES = [
    "140105",
    "140202",
    "140602",
    "140902",
    "142601",
    "130102",
    "130702",
    "130728",
    "132801",
    "610102",
    "610602",
    "610802",
    "620102",
    "620502",
    "640104",
    "640302",
    "410102",
    "411302",
    "411402",
    "410502",
    "370102",
    "372301",
    "230102",
    "220102",
    "210102",
    "510104",
    "340102",
    "430102",
    "320102",
    "120101",
]
DESTINATIONS = [
    "110105",
    "120101",
    "310115",
    "440305",
    "330106",
    "150102",
    "150602",
    "150302",
    "210102",
    "370102",
]

FLOATING_HOUSING = [
    (HousingType.RENTED, 50),
    (HousingType.DORMITORY, 18),
    (HousingType.WORK_SITE, 10),
    (HousingType.OWN, 14),
    (HousingType.OTHER, 8),
]
OTHER_INDUSTRIES = ("B", "C", "C", "D", "E", "E", "A")
OCCUPATIONS = {
    "A": "农业工人",
    "B": "矿工",
    "C": "车间工人",
    "D": "电工",
    "E": "建筑工人",
    "F": "销售员",
    "G": "货车司机",
    "H": "厨师",
    "I": "程序员",
    "J": "柜员",
    "K": "物业管理员",
    "L": "业务员",
    "M": "技术员",
    "N": "保洁员",
    "O": "维修工",
    "P": "教师",
    "Q": "护士",
    "R": "文员",
    "S": "办事员",
    "T": "职员",
}
EMPLOYERS = ("商贸有限公司", "餐饮管理有限公司", "物流有限公司", "建筑工程有限公司", "钢铁公司")


@dataclass
class DemoResult:
    people: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dwellings_created: int = 0
    households_created: int = 0
    errors: list = field(default_factory=list)


@dataclass
class _Member:
    row: dict[str, str]
    relation: str


@dataclass
class _Group:
    members: list[_Member]
    grid: Area
    address: str
    housing_type: str
    landlord: str = ""
    landlord_phone: str = ""
    family: bool = False


class _Generator:
    def __init__(self, grids: list[Area], seed: int) -> None:
        self.rng = random.Random(seed)
        self.grids = grids
        self.bodies: set[str] = set()
        self.addresses: dict[int, int] = {}

    def pick(self, weighted):
        values, weights = zip(*weighted, strict=True)
        return self.rng.choices(values, weights)[0]

    def name(self, sex: str, surname: str | None = None) -> str:
        given = MALE_GIVEN if sex == "M" else FEMALE_GIVEN
        length = 1 if self.rng.random() < 0.35 else 2
        return (surname or self.rng.choice(SURNAMES)) + "".join(
            self.rng.choice(given) for _ in range(length)
        )

    def id_number(self, origin: str, birth: dt.date, sex: str) -> str:
        while True:
            seq = self.rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
            body = f"{origin}{birth:%Y%m%d}{seq:03d}"
            if body not in self.bodies:
                self.bodies.add(body)
                return with_check_digit(body)

    def birth(self, low: int, high: int) -> dt.date:
        return DEMO_DATE - dt.timedelta(days=self.rng.randrange(low * 365, high * 365))

    def phone(self) -> str:
        if self.rng.random() < 0.15:
            return ""
        return f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"

    def address(self, grid: Area) -> str:
        n = self.addresses.get(grid.pk, 0) + 1
        self.addresses[grid.pk] = n
        street = grid.name.split("社区")[0]
        return f"{street}小区{(n - 1) // 24 + 1}号楼{(n - 1) % 24 // 6 + 1}单元{(n - 1) % 6 + 1}01"

    def person(
        self,
        *,
        origin: str,
        sex: str,
        birth: dt.date,
        grid: Area,
        floating: bool,
        surname: str | None = None,
    ) -> dict[str, str]:
        age = (DEMO_DATE - birth).days // 365
        adult = age >= 18
        row = {
            "姓名": self.name(sex, surname),
            "身份证号码": self.id_number(origin, birth, sex),
            "民族": self.pick([("汉族", 88), ("蒙古族", 7), ("回族", 3), ("满族", 2)]),
            "文化程度": (
                self.pick(
                    [
                        ("小学", 10),
                        ("初中", 38),
                        ("高中/中专", 27),
                        ("大学专科", 14),
                        ("大学本科", 11),
                    ]
                )
                if age >= 16
                else ("小学" if age >= 7 else "")
            ),
            "婚姻状况": self.pick([("未婚", 25), ("已婚", 68), ("离婚", 5), ("丧偶", 2)])
            if adult
            else "未婚",
            "户籍地代码": origin,
            "户口性质": self.pick([("农业户口", 60), ("非农业户口", 30), ("居民户口", 10)]),
            "联系电话": self.phone() if adult else "",
            "网格代码": grid.code,
        }
        if adult and age < 60 and self.rng.random() < 0.8:
            if floating and self.rng.random() < 0.7:
                industry = self.rng.choice(SERVICE_INDUSTRIES[:-1])  # T (国际组织) is rare
            elif floating:
                industry = self.rng.choice(OTHER_INDUSTRIES)
            else:
                industry = self.rng.choice(SERVICE_INDUSTRIES[:-1] + OTHER_INDUSTRIES)
            row["行业"] = industry
            row["职业"] = OCCUPATIONS[industry]
            row["工作单位"] = f"包头{self.rng.choice('东西南北新华兴')}{self.rng.choice(EMPLOYERS)}"
        return row

    def family(self, origin: str, grid: Area, floating: bool) -> list[_Member]:
        head_sex = "M" if self.rng.random() < 0.8 else "F"
        head_birth = self.birth(22, 58)
        surname = self.rng.choice(SURNAMES)
        members = [
            _Member(
                self.person(
                    origin=origin,
                    sex=head_sex,
                    birth=head_birth,
                    grid=grid,
                    floating=floating,
                    surname=surname,
                ),
                Relation.HEAD,
            )
        ]
        members[0].row["婚姻状况"] = "已婚"
        spouse_birth = head_birth + dt.timedelta(days=self.rng.randrange(-1500, 1500))
        spouse = self.person(
            origin=origin,
            sex="F" if head_sex == "M" else "M",
            birth=min(spouse_birth, DEMO_DATE - dt.timedelta(days=20 * 365)),
            grid=grid,
            floating=floating,
        )
        spouse["婚姻状况"] = "已婚"
        members.append(_Member(spouse, Relation.SPOUSE))
        head_age = (DEMO_DATE - head_birth).days // 365
        for _child in range(self.rng.choice((0, 1, 1, 2))):
            youngest = max(head_age - 40, 0)
            oldest = max(min(head_age - 20, 17), youngest + 1)
            members.append(
                _Member(
                    self.person(
                        origin=origin,
                        sex=self.rng.choice("MF"),
                        birth=self.birth(youngest, oldest),
                        grid=grid,
                        floating=floating,
                        surname=surname,
                    ),
                    Relation.CHILD,
                )
            )
        return members

    def group(self, outside_share: float) -> _Group:
        grid = self.rng.choice(self.grids)
        district = grid.code[:6]
        kind = self.pick([("inflow", 55), ("outflow", 10), ("registered", 35)])
        if kind == "outflow":
            row = self.person(
                origin=district, sex=self.rng.choice("MF"), birth=self.birth(18, 55), grid=grid,
                floating=True,
            )  # fmt: skip
            left = DEMO_DATE - dt.timedelta(days=self.rng.randrange(30, 3000))
            row.update(流向地代码=self.rng.choice(DESTINATIONS), 流出日期=left.isoformat())
            for key in ("行业", "职业", "工作单位"):
                row.pop(key, None)
            return _Group([_Member(row, Relation.HEAD)], grid, "", "")
        floating = kind == "inflow"
        if floating:
            origin_list = OTHER_PROVINCES if self.rng.random() < outside_share else INNER_MONGOLIA
            origin = self.rng.choice(origin_list)
            housing = self.pick(FLOATING_HOUSING)
        else:
            origin = (
                district
                if self.rng.random() < 0.8
                else self.rng.choice(["150202", "150203", "150204", "150207"])
            )
            housing = self.pick([(HousingType.OWN, 70), (HousingType.RENTED, 30)])
        family = housing in (HousingType.RENTED, HousingType.OWN) and self.rng.random() < 0.55
        if family:
            members = self.family(origin, grid, floating)
        else:
            birth = self.birth(18, 60)
            members = [
                _Member(
                    self.person(
                        origin=origin,
                        sex=self.rng.choice("MF"),
                        birth=birth,
                        grid=grid,
                        floating=floating,
                    ),
                    Relation.HEAD,
                )
            ]
        if housing in (HousingType.DORMITORY, HousingType.WORK_SITE):
            label = "职工宿舍" if housing == HousingType.DORMITORY else "项目工地"
            address = f"{grid.name.split('社区')[0]}{label}"
            landlord = f"包头{grid.name[:2]}{self.rng.choice(EMPLOYERS)}"
        else:
            address = self.address(grid)
            landlord = self.name(self.rng.choice("MF")) if housing == HousingType.RENTED else ""
        arrived = DEMO_DATE - dt.timedelta(days=self.rng.randrange(10, 12 * 365))
        for member in members:
            birth = dt.date(
                int(member.row["身份证号码"][6:10]),
                int(member.row["身份证号码"][10:12]),
                int(member.row["身份证号码"][12:14]),
            )
            member.row.update(
                居住地址=address,
                来本地日期=max(arrived, birth).isoformat(),
                住所类型=str(HousingType(housing).label),
                流动原因=(
                    (self.pick([("务工经商", 75), ("投亲靠友", 10), ("学习培训", 5), ("其他", 10)]))
                    if member.relation == Relation.HEAD
                    else "随迁家属"
                )
                if floating
                else "",
            )
        return _Group(
            members,
            grid,
            address,
            housing,
            landlord=landlord,
            landlord_phone=self.phone() if landlord else "",
            family=len(members) > 1,
        )


def demo_population_seed(
    *, acting_user, people: int = 3000, seed: int = 2014, progress: bool = False
) -> DemoResult:
    """Create (or, run again, leave as it is) a demo population of ``people`` persons."""
    grids = list(Area.objects.grids().order_by("code"))
    if not grids:
        raise ValidationError(_("还没有区划数据:请先运行 parity load_areas"))
    generator = _Generator(grids, seed)
    # 45% of the floating population from outside Inner Mongolia. Outflow is all local, so
    # the share among inflow groups is higher; families (more people a group) tip it further.
    outside_share = 0.47
    groups: list[_Group] = []
    total = 0
    while total < people:
        group = generator.group(outside_share)
        group.members = group.members[: people - total]
        group.family = len(group.members) > 1
        groups.append(group)
        total += len(group.members)

    result = DemoResult(people=total)
    with transaction.atomic():
        dwellings = _dwellings(groups, result)
    validator = RowValidator(
        columns={h: i for i, h in enumerate(HEADERS)}, scope="", today=timezone.localdate()
    )
    writer = PeopleWriter(acting_user=acting_user, note=_("演示数据 seed=%(s)d") % {"s": seed})
    records: list[PersonRecord] = []
    for group in groups:
        for member in group.members:
            outcome = validator(len(records) + 2, [member.row.get(h, "") for h in HEADERS])
            if not isinstance(outcome, PersonRecord):
                result.errors.extend(outcome or [])
                continue
            if group.address:
                outcome.dwelling_id = dwellings[(group.grid.pk, group.address)]
            records.append(outcome)
    with tqdm(total=len(records), unit="人", disable=not progress) as bar:
        for start in range(0, len(records), CHUNK_ROWS):
            chunk = writer.write(records[start : start + CHUNK_ROWS])
            result.created += chunk.created
            result.updated += chunk.updated
            result.unchanged += chunk.unchanged
            result.errors.extend(chunk.errors)
            bar.update(min(CHUNK_ROWS, len(records) - start))
    with transaction.atomic():
        _households(groups, result)
        if result.created or result.updated or result.dwellings_created:
            audit(
                acting_user=acting_user,
                action="demo.seed",
                object_type="people.person",
                after={
                    "seed": seed,
                    "people": result.people,
                    "created": result.created,
                    "updated": result.updated,
                    "dwellings_created": result.dwellings_created,
                    "households_created": result.households_created,
                },
            )
    return result


def _dwellings(groups: list[_Group], result: DemoResult) -> dict[tuple[int, str], int]:
    wanted: dict[tuple[int, str], Dwelling] = {}
    for group in groups:
        key = (group.grid.pk, group.address)
        if not group.address or key in wanted:
            continue
        organisation = group.housing_type in (HousingType.DORMITORY, HousingType.WORK_SITE)
        dwelling = Dwelling(
            address=group.address,
            grid=group.grid,
            area_code=group.grid.code,
            dwelling_type=group.housing_type,
            is_let=group.housing_type in (HousingType.RENTED, HousingType.DORMITORY),
            landlord_kind=(
                LandlordKind.ORGANISATION
                if organisation
                else LandlordKind.PERSON
                if group.landlord
                else ""
            ),
            landlord_name=group.landlord,
        )
        if group.landlord_phone:
            dwelling.landlord_phone_enc = crypto.encrypt(group.landlord_phone)
            dwelling.landlord_phone_masked = crypto.mask_phone(group.landlord_phone)
        wanted[key] = dwelling
    grid_ids = {grid_id for grid_id, _address in wanted}
    existing = {(d.grid_id, d.address): d.pk for d in Dwelling.objects.filter(grid_id__in=grid_ids)}
    missing = [d for key, d in wanted.items() if key not in existing]
    Dwelling.objects.bulk_create(missing, batch_size=500)
    result.dwellings_created = len(missing)
    existing.update({(d.grid_id, d.address): d.pk for d in missing})
    return existing


def _households(groups: list[_Group], result: DemoResult) -> None:
    """A household per family, found again by its head; members are one-to-one with
    people, so adding them twice is a no-op."""
    families = [
        (group, [crypto.blind_index(m.row["身份证号码"]) for m in group.members])
        for group in groups
        if group.family
    ]
    hashes = [h for _group, member_hashes in families for h in member_hashes]
    people = dict(Person.objects.filter(id_hash__in=hashes).values_list("id_hash", "pk"))
    by_head: dict[int, tuple[_Group, list[tuple[int, str]]]] = {}
    for group, member_hashes in families:
        if all(h in people for h in member_hashes):
            members = [
                (people[h], m.relation) for h, m in zip(member_hashes, group.members, strict=True)
            ]
            by_head[members[0][0]] = (group, members)
    existing = set(Household.objects.filter(head_id__in=by_head).values_list("head_id", flat=True))
    new = [
        Household(head_id=head, address=group.address, area_code=group.grid.code)
        for head, (group, _members) in by_head.items()
        if head not in existing
    ]
    Household.objects.bulk_create(new, batch_size=500)
    result.households_created = len(new)
    households = dict(Household.objects.filter(head_id__in=by_head).values_list("head_id", "pk"))
    HouseholdMember.objects.bulk_create(
        [
            HouseholdMember(household_id=households[head], person_id=pk, relation=relation)
            for head, (_group, members) in by_head.items()
            for pk, relation in members
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
