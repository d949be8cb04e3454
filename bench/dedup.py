"""Duplicate people on the scale-1 demo city: plant known duplicates, sweep, count.

    PARITY_VAR_DIR=/work/main/var .venv/bin/python bench/dedup.py [--per-kind 1000] [--keep]

(``PARITY_VAR_DIR`` names the directory whose field-encryption key sealed the city's ID
numbers: the sweep must read them.) It copies the city (``CREATE DATABASE parity_dedup
TEMPLATE parity_city1``; the city itself is never written), migrates the copy, plants
``--per-kind`` duplicates of each kind among randomly drawn people — an ID number with one
digit mistyped (check character recomputed, as a system that "repairs" it does), two
adjacent digits swapped, the 15-digit old number, a homophone of the name under another
number, the same name, birth date and sex under another number (the "missing ID" case:
Parity has no person without one) — then runs the sweep as ``parity dedup sweep`` does and
reports its time, and recall and precision per kind, with a baseline measured in the same
run: a plain full scan of the people table (``count(*)`` over the ciphertext column).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KINDS = ("typo", "transposition", "fifteen", "homophone", "missing_id")
# Which kind a reported pair counts under, by its first reason.
REASON_KIND = {
    "id_one_char": "typo",
    "id_transposed": "transposition",
    "id_fifteen": "fifteen",
    "name_homophone": "homophone",
    "same_name_birth_sex": "missing_id",
    "name_one_char": "name_one_char",
    "same_phone": "same_phone",
    "merged_id": "merged_id",
}
# Characters to draw homophones from (common in given names and surnames).
POOL = (
    "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳亮成建志国峰芳娜敏静丽艳娟霞"
    "秀英慧玲桂兰萍红梅琳雪倩婷燕丹颖佳欣悦怡洁琴云莉晶璐璇王李张刘陈杨黄赵吴周徐孙马朱胡郭何高"
    "罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏"
    "韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝晓小薇维玮炜卫蔚巍威嘉家加佳甲珍真贞振镇震"
    "慧惠会辉晖徽洪宏弘鸿虹红泓玉宇雨羽语予余瑜于俞渝燕艳雁彦岩妍研言颜婷亭庭廷停霆莉丽立力利"
    "黎梨李理礼俐静靖晶菁婧敬境竞敏闵民明鸣铭名茗冥芳方放访仿舫坊锋峰丰风枫凤奉"
)
CITY_MIN_PEOPLE = 2_500_000


def psql(sql: str, database: str = "postgres") -> str:
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-Atqc", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def city_ready(source: str, min_people: int) -> None:
    if source == "parity_city1":
        # Only the city itself is generated in place; a copy of it is finished.
        generating = subprocess.run(["pgrep", "-f", "gencity|parity demo"], capture_output=True)
        if generating.returncode == 0:
            sys.exit("the demo city is still being generated (pgrep gencity / parity demo)")
    people = int(psql("select count(*) from people_person", source))
    if people < min_people:
        sys.exit(f"{source} has {people:,} people: not the scale-1 city yet (--min-people)")


def copy_city(source: str, target: str) -> float:
    started = time.monotonic()
    psql(f"DROP DATABASE IF EXISTS {target}")
    for attempt in range(30):
        try:
            psql(f"CREATE DATABASE {target} TEMPLATE {source}")
            break
        except subprocess.CalledProcessError as exc:
            # Someone is reading the city: a template must have no other connection.
            if "being accessed" not in exc.stderr or attempt == 29:
                raise
            time.sleep(10)
    return time.monotonic() - started


def timed(label: str, fn):
    started = time.monotonic()
    value = fn()
    seconds = time.monotonic() - started
    print(f"{label}: {seconds:.1f} s", flush=True)
    return value, seconds


def homophone_of(name: str, rng: random.Random) -> str | None:
    from pypinyin import Style, lazy_pinyin

    by_reading: dict[str, list[str]] = defaultdict(list)
    for ch in POOL:
        by_reading[lazy_pinyin(ch, style=Style.NORMAL)[0]].append(ch)
    positions = list(range(1, len(name))) or [0]
    rng.shuffle(positions)
    for i in positions:
        reading = lazy_pinyin(name[i], style=Style.NORMAL)[0]
        options = [c for c in dict.fromkeys(by_reading.get(reading, [])) if c != name[i]]
        if options:
            return name[:i] + rng.choice(options) + name[i + 1 :]
    return None


PLACEMENTS = ("same_grid", "same_district", "other_district")


def placement(a, b) -> str:
    """Where two people live relative to each other: one grid, two grids of one district
    (the first six digits of the area code), or two districts."""
    if a.grid_id is not None and a.grid_id == b.grid_id:
        return "same_grid"
    if a.area_code[:6] and a.area_code[:6] == b.area_code[:6]:
        return "same_district"
    return "other_district"


def plant(
    per_kind: int, seed: int, other_grid_share: float = 0.5, other_district_share: float = 0.5
) -> dict[str, set[frozenset[int]]]:
    """Copies of randomly drawn people, ``per_kind`` of each kind, written as an old
    register's import would have: straight into the table, sealed like any other.

    ``other_grid_share`` of the copies of people who live in a grid are registered in
    another grid, as after a move within the city; of those, ``other_district_share`` in
    a grid of another district (drawn at random), the rest in another grid of the same
    district. The others live in the original's grid."""
    from django.db import transaction

    from parity.areas.choices import Level
    from parity.areas.models import Area
    from parity.core import crypto
    from parity.dedup.rules import id_body
    from parity.people.idnumber import IDNumberError, parse, with_check_digit
    from parity.people.models import Person

    rng = random.Random(seed)
    grids: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, code in Area.objects.filter(level=Level.GRID).values_list("pk", "code"):
        grids[code[:6]].append((pk, code))
    districts = sorted(grids)

    def moved_grid(person) -> tuple[int | None, str]:
        """The grid (and area code) the copy is registered in."""
        if person.grid_id is None or rng.random() >= other_grid_share:
            return person.grid_id, person.area_code
        home = person.area_code[:6]
        others = [d for d in districts if d != home]
        if others and rng.random() < other_district_share:
            return rng.choice(grids[rng.choice(others)])
        options = [g for g in grids.get(home, []) if g[0] != person.grid_id]
        return rng.choice(options) if options else (person.grid_id, person.area_code)

    max_pk = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    wanted = per_kind * len(KINDS) * 3
    drawn = sorted({rng.randrange(1, max_pk + 1) for _ in range(wanted)})
    people = list(Person.objects.filter(pk__in=drawn))
    rng.shuffle(people)
    taken: set[str] = set()
    planted: dict[str, set[frozenset[int]]] = {k: set() for k in KINDS}
    copies: list[tuple[str, Person, Person]] = []

    def another_number(number: str) -> str:
        seq = int(number[14:17])
        while True:
            other = rng.randrange(0, 500) * 2 + seq % 2
            if sum(a != b for a, b in zip(f"{other:03d}", number[14:17], strict=True)) >= 2:
                return with_check_digit(number[:14] + f"{other:03d}")

    def valid(number: str):
        try:
            return parse(number)
        except IDNumberError:
            return None

    queue = iter(people)
    for kind in KINDS:
        made = 0
        while made < per_kind:
            person = next(queue)
            number = person.id_number
            name, birth, sex = person.name, person.birth_date, person.sex
            new_number = ""
            if kind == "typo":
                body = number[:17]
                i = rng.randrange(17)
                body = body[:i] + str((int(body[i]) + rng.randrange(1, 10)) % 10) + body[i + 1 :]
                new_number = with_check_digit(body)
            elif kind == "transposition":
                body = number[:17]
                spots = [i for i in range(16) if body[i] != body[i + 1]]
                i = rng.choice(spots)
                body = body[:i] + body[i + 1] + body[i] + body[i + 2 :]
                new_number = with_check_digit(body)
            elif kind == "fifteen":
                if not (1900 <= birth.year <= 1999):
                    continue
                new_number = number[:6] + number[8:17]
            elif kind == "homophone":
                new_name = homophone_of(name, rng)
                if new_name is None:
                    continue
                name = new_name
                new_number = another_number(number)
            else:  # missing_id: same name, birth date and sex under another number
                new_number = another_number(number)
            if len(new_number) == 18:
                parsed = valid(new_number)
                if parsed is None:
                    continue
                birth, sex = parsed.birth_date, parsed.sex
            index = crypto.blind_index(new_number)
            if index in taken or id_body(new_number) == "":
                continue
            taken.add(index)
            grid_id, area_code = moved_grid(person)
            copy = Person(
                name=name,
                sex=sex,
                birth_date=birth,
                ethnicity=person.ethnicity,
                education=person.education,
                marital_status=person.marital_status,
                hukou_code=person.hukou_code,
                hukou_type=person.hukou_type,
                status=person.status,
                area_code=area_code,
                grid_id=grid_id,
                outflow_region_code=person.outflow_region_code,
                outflow_since=person.outflow_since,
                arrived_city_on=person.arrived_city_on,
                left_city_on=person.left_city_on,
            )
            copy.id_number_enc = crypto.encrypt(new_number)
            copy.id_hash = index
            copy.id_masked = crypto.mask_id_number(new_number)
            # Half the copies came with the phone number, half without one.
            if person.phone and rng.random() < 0.5:
                copy.set_phone(person.phone)
            copies.append((kind, person, copy))
            made += 1
    existing = set(
        Person.objects.filter(id_hash__in=[c.id_hash for _k, _p, c in copies]).values_list(
            "id_hash", flat=True
        )
    )
    copies = [c for c in copies if c[2].id_hash not in existing]
    with transaction.atomic():
        Person.objects.bulk_create([c for _k, _p, c in copies], batch_size=2000)
    for kind, person, copy in copies:
        planted[kind].add(frozenset((person.pk, copy.pk)))
    return planted


def kind_of(reasons) -> str:
    return REASON_KIND.get(reasons[0], reasons[0]) if reasons else "?"


def evaluate(planted: dict[str, set[frozenset[int]]], rows) -> tuple[dict, dict]:
    """Recall and precision per kind from the reported pairs ``rows`` (low, high, reasons);
    and the false pairs per kind (a pair of people the bench did not plant)."""
    truth = {pair: kind for kind, pairs in planted.items() for pair in pairs}
    reported: Counter = Counter()
    correct: Counter = Counter()
    found_planted: dict[str, int] = Counter()
    false: dict[str, list[tuple[int, int, tuple]]] = defaultdict(list)
    for low, high, reasons in rows:
        pair = frozenset((low, high))
        kind = kind_of(reasons)
        reported[kind] += 1
        if pair in truth:
            correct[kind] += 1
            found_planted[truth[pair]] += 1
        else:
            false[kind].append((low, high, tuple(reasons)))
    table = {}
    for kind in sorted(set(KINDS) | set(reported)):
        planted_n = len(planted.get(kind, ()))
        table[kind] = {
            "planted": planted_n,
            "found": found_planted.get(kind, 0),
            "recall": round(found_planted.get(kind, 0) / planted_n, 4) if planted_n else None,
            "reported": reported.get(kind, 0),
            "precision": round(correct[kind] / reported[kind], 4) if reported.get(kind) else None,
        }
    total_planted = sum(len(p) for p in planted.values())
    total_found = sum(found_planted.values())
    total_reported = sum(reported.values())
    table["all"] = {
        "planted": total_planted,
        "found": total_found,
        "recall": round(total_found / total_planted, 4) if total_planted else None,
        "reported": total_reported,
        "precision": round(sum(correct.values()) / total_reported, 4) if total_reported else None,
    }
    return table, false


def evaluate_placements(planted: dict[str, set[frozenset[int]]], rows, facts: dict) -> dict:
    """``evaluate`` for all pairs and for each placement (``placement``): the planted pairs
    whose two people live there, and the reported pairs whose two people live there."""
    rows = list(rows)

    def where(pair) -> str | None:
        low, high = sorted(pair)
        if low not in facts or high not in facts:
            return None
        return placement(facts[low], facts[high])

    tables = {"all placements": evaluate(planted, rows)[0]}
    for place in PLACEMENTS:
        kept = {k: {p for p in pairs if where(p) == place} for k, pairs in planted.items()}
        kept_rows = [r for r in rows if where((r[0], r[1])) == place]
        tables[place] = evaluate(kept, kept_rows)[0]
    return tables


def moved_recall(planted: dict[str, set[frozenset[int]]], facts: dict) -> dict[str, float | None]:
    """Per kind, the share of planted pairs still queued had the copy been registered in
    another grid (its grid and area taken away): the bench writes every copy into the
    original's grid, so this is what the grid evidence is worth."""
    from dataclasses import replace

    from parity.dedup import rules

    out: dict[str, float | None] = {}
    for kind, pairs in planted.items():
        held = total = 0
        for pair in pairs:
            low, high = sorted(pair)
            if low not in facts or high not in facts:
                continue
            total += 1
            moved = replace(facts[high], grid_id=None, area_code="")
            held += rules.is_candidate(rules.match(facts[low], moved))
        out[kind] = round(held / total, 4) if total else None
    return out


def describe(a, b) -> str:
    """One false pair, for reading: what agrees and where the ID numbers differ (masked)."""
    from parity.core import crypto

    x, y = a.id_number, b.id_number
    where = [i for i in range(min(len(x), len(y))) if x[i] != y[i]] if len(x) == len(y) else []
    agree = [
        label
        for label, same in (
            ("sex", a.sex == b.sex),
            ("birth", a.birth_date == b.birth_date),
            ("origin", bool(a.hukou_code) and a.hukou_code == b.hukou_code),
            ("grid", a.grid_id is not None and a.grid_id == b.grid_id),
            ("phone", bool(a.phone_hash) and a.phone_hash == b.phone_hash),
        )
        if same
    ]
    return (
        f"{a.name}/{b.name} {a.birth_date}/{b.birth_date} "
        f"{crypto.mask_id_number(x) if x else '-'}/{crypto.mask_id_number(y) if y else '-'} "
        f"id differs at {where} agree={','.join(agree)}"
    )


def print_samples(false: dict, facts: dict, n: int) -> None:
    for kind, pairs in sorted(false.items()):
        print(f"\n-- false pairs reported as {kind}: {len(pairs)}")
        for low, high, reasons in pairs[:n]:
            if low in facts and high in facts:
                print(f"  {'+'.join(reasons)}: {describe(facts[low], facts[high])}")


def print_table(table: dict, title: str = "") -> None:
    if title:
        print(f"\n{title}")
    print("\n| kind | planted | found | recall | reported | precision |")
    print("|---|---|---|---|---|---|")
    for kind, row in table.items():
        print(
            f"| {kind} | {row['planted']} | {row['found']} | {row['recall']} | "
            f"{row['reported']} | {row['precision']} |"
        )


def rescore(path: str, samples: int) -> None:
    """Score a dump's pairs again with the rules as they are now (no database)."""
    import pickle
    from dataclasses import replace

    from parity.dedup import rules

    with open(path, "rb") as fh:
        dump = pickle.load(fh)
    planted, pairs = dump["planted"], dump["pairs"]
    holders = dump.get("name_holders", {})
    if holders:
        pairs = {
            key: tuple(replace(f, name_holders=holders.get(f.name, 0)) for f in fs)
            for key, fs in pairs.items()
        }
    facts = {f.pk: f for pair in pairs.values() for f in pair}
    facts.update(
        {
            pk: replace(f, name_holders=holders.get(f.name, 0))
            for pk, f in dump["planted_facts"].items()
        }
    )
    rows = []
    for (low, high), (a, b) in pairs.items():
        found = rules.match(a, b)
        if rules.is_candidate(found):
            assert found is not None
            rows.append((low, high, found.reasons))
    table, false = evaluate(planted, rows)
    for title, placed in evaluate_placements(planted, rows, facts).items():
        print_table(placed, title)
    print_samples(false, facts, samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="parity_city1")
    parser.add_argument("--target", default="parity_dedup")
    parser.add_argument("--per-kind", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--min-people", type=int, default=CITY_MIN_PEOPLE)
    parser.add_argument("--skip-copy", action="store_true", help="reuse the target as it is")
    parser.add_argument("--keep", action="store_true", help="keep the copy afterwards")
    parser.add_argument(
        "--city-max-id",
        type=int,
        help="with --skip-copy: the city's last person (people after it were planted by an "
        "earlier run and are deleted); by default the source's",
    )
    parser.add_argument(
        "--other-grid-share",
        type=float,
        default=0.5,
        help="the share of copies registered in another grid than the original's (a move)",
    )
    parser.add_argument(
        "--other-district-share",
        type=float,
        default=0.5,
        help="of those, the share in a grid of another district (the rest: same district)",
    )
    parser.add_argument("--samples", type=int, default=0, help="print N false pairs per kind")
    parser.add_argument(
        "--dump",
        metavar="PATH",
        help="sweep with no threshold (nothing queued) and save the pairs and their facts "
        "(names and ID numbers in clear: the demo city only; delete it afterwards)",
    )
    parser.add_argument(
        "--rescore", metavar="PATH", help="score a --dump's pairs with the rules as they are now"
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if args.rescore:
        import django

        django.setup()
        rescore(args.rescore, args.samples)
        return
    if not args.skip_copy:
        city_ready(args.source, args.min_people)
        seconds = copy_city(args.source, args.target)
        print(f"copy of {args.source}: {seconds:.1f} s", flush=True)
    os.environ["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{args.target}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from parity.dedup import actions, candidates
    from parity.dedup.models import DuplicatePair
    from parity.people.models import Person

    call_command("migrate", "--noinput", verbosity=0)
    DuplicatePair.objects.all().delete()
    if args.skip_copy:
        # People planted by an earlier run: everyone after the city's last person.
        city_max = args.city_max_id or int(
            psql("select coalesce(max(id), 0) from people_person", args.source)
        )
        Person.objects.filter(pk__gt=city_max).delete()

    def scan():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), sum(length(id_number_enc)) FROM people_person")
            return cursor.fetchone()

    (people, _chars), baseline = timed("baseline: plain full scan of people_person", scan)
    planted, plant_seconds = timed(
        "planting",
        lambda: plant(args.per_kind, args.seed, args.other_grid_share, args.other_district_share),
    )
    planted_facts = candidates.facts_for(
        {pk for pairs in planted.values() for p in pairs for pk in p}
    )
    if args.dump:
        import pickle

        # Every pair any rule holds for (any score), to score again offline.
        result, _s = timed("sweep (dump)", lambda: candidates.sweep(min_score=0.0))
        pairs = {}
        for low, high in result.found:
            pairs[(low, high)] = (planted_facts.get(low), planted_facts.get(high))
        missing = {
            pk for pair, fs in pairs.items() for pk, f in zip(pair, fs, strict=True) if f is None
        }
        more = candidates.facts_for(missing)
        pairs = {
            (low, high): (a or more[low], b or more[high]) for (low, high), (a, b) in pairs.items()
        }
        with open(args.dump, "wb") as fh:
            pickle.dump(
                {
                    "planted": planted,
                    "pairs": pairs,
                    "planted_facts": planted_facts,
                    "name_holders": candidates.name_holders(Person.objects.all()),
                },
                fh,
            )
        print(f"dumped {len(pairs):,} pairs to {args.dump}")
        rescore(args.dump, args.samples)
        if not args.keep:
            connection.close()
            psql(f"DROP DATABASE IF EXISTS {args.target}")
        return

    import resource

    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    report, sweep_seconds = timed(
        "sweep", lambda: actions.pairs_sweep(acting_user=None, progress=None)
    )
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    sweep_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (
        cpu_after.ru_stime - cpu_before.ru_stime
    )
    rows = list(DuplicatePair.objects.values_list("low_id", "high_id", "reasons"))
    table, false = evaluate(planted, rows)
    row_facts = candidates.facts_for({pk for row in rows for pk in row[:2]})
    row_facts.update(planted_facts)
    placed = evaluate_placements(planted, rows, row_facts)

    # The registration check: the same screen every registration runs, on planted copies.
    sample = [min(pair) for pairs in planted.values() for pair in list(pairs)[:40]]
    from parity.dedup.selectors import possible_duplicates

    started = time.monotonic()
    for person in Person.objects.filter(pk__in=sample):
        possible_duplicates(person)
    screen_ms = (time.monotonic() - started) * 1000 / max(len(sample), 1)

    load = os.getloadavg()
    result = {
        "people": people + sum(len(p) for p in planted.values()),
        "baseline_full_scan_s": round(baseline, 1),
        "plant_s": round(plant_seconds, 1),
        "sweep_s": round(sweep_seconds, 1),
        "sweep_python_cpu_s": round(sweep_cpu, 1),
        "compared_pairs": report.compared,
        "candidates": report.candidates,
        "registration_check_ms": round(screen_ms, 1),
        "load_average": [round(x, 1) for x in load],
        "other_grid_share": args.other_grid_share,
        "other_district_share": args.other_district_share,
        "recall_if_copy_in_another_grid": moved_recall(planted, planted_facts),
        "kinds": table,
        "placements": {k: v for k, v in placed.items() if k != "all placements"},
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    for title, part in placed.items():
        print_table(part, title)
    if args.samples:
        wanted = {pk for pairs in false.values() for p in pairs[: args.samples] for pk in p[:2]}
        print_samples(false, candidates.facts_for(wanted), args.samples)
    if not args.keep:
        connection.close()
        psql(f"DROP DATABASE IF EXISTS {args.target}")


if __name__ == "__main__":
    main()
