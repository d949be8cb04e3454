"""Candidate pairs found by blocks, so that a city of millions is swept in minutes.

Comparing every person with every other is out of reach (4 * 10^12 pairs at 2.8 million
people), so only people who share a block are compared, and a pair must share at least one:

- **birth date + sex**, read in that order from the table: homophones, names one character
  apart, the same name with another or no ID number, the 15-digit form of a number, and ID
  typos outside the birth date and the sex digit (the date and the sex come from the number);
- **name reading + ID number with its date part left out** (digits 6-14), and **name reading
  + the first 13 digits**: typos and swaps in the birth date or the sequence and sex digits,
  where the first block no longer holds;
- **phone number** (its blind index), grouped in the database.

Inside a birth-date block, names are compared all against all with rapidfuzz's ``cdist``
(C, not Python loops) and people sharing a name reading, a phone number or an ID number
body are paired; ``rules.match`` scores what gets through. ID numbers one typo apart under
unrelated names are not paired there: no rule queues them without a phone number in common,
and those meet in the phone block. (In a county's day of births the sequence codes run one
after another, so most people of a birth-date block have numbers one digit apart: comparing
them all was most of the sweep's work.)
"""

from __future__ import annotations

import logging
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.db.models import Count
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from parity.core import crypto
from parity.dedup import rules
from parity.dedup.rules import Facts, Match
from parity.people.models import Person

logger = logging.getLogger(__name__)

FACT_COLUMNS = (
    "pk",
    "name",
    "sex",
    "birth_date",
    "hukou_code",
    "id_number_enc",
    "phone_hash",
    "area_code",
    "grid_id",
)
# Below this size a block is compared pair by pair in Python; above, with cdist.
_SMALL_BLOCK = 12
CHUNK = 20_000


def facts_from_row(row: tuple, holders: dict[str, int] | None = None) -> Facts:
    """A person's facts from a row of ``FACT_COLUMNS``; ``holders`` gives how many people
    of the registry hold each name (``name_holders``), left 0 (not counted) without it."""
    pk, name, sex, birth_date, hukou_code, sealed, phone_hash, area_code, grid_id = row
    return Facts(
        pk=pk,
        name=name,
        sex=sex,
        birth_date=birth_date,
        hukou_code=hukou_code,
        id_number=crypto.decrypt(sealed) if sealed else "",
        phone_hash=phone_hash,
        area_code=area_code,
        grid_id=grid_id,
        name_holders=holders.get(name, 0) if holders is not None else 0,
    )


def name_holders(people=None) -> dict[str, int]:
    """How many people hold each name, counted in the database (one ``GROUP BY``): what
    ``rules.common_name`` weighs a name agreeing by."""
    people = people if people is not None else Person.objects.all()
    rows = people.order_by().values("name").annotate(n=Count("id")).values_list("name", "n")
    return dict(rows.iterator(chunk_size=CHUNK))


def facts_of(person: Person) -> Facts:
    return facts_from_row(tuple(getattr(person, c) for c in FACT_COLUMNS))


def facts_for(pks: Iterable[int], holders: dict[str, int] | None = None) -> dict[int, Facts]:
    wanted = sorted(set(pks))
    found: dict[int, Facts] = {}
    for start in range(0, len(wanted), 2000):
        rows = Person.objects.filter(pk__in=wanted[start : start + 2000]).values_list(*FACT_COLUMNS)
        for row in rows:
            found[row[0]] = facts_from_row(row, holders)
    return found


def pairs_in_block(block: list[Facts]) -> Iterator[tuple[Facts, Facts]]:
    """The pairs of a block that ``rules.maybe_pair`` lets through (cdist for large ones)."""
    n = len(block)
    if n < 2:
        return
    if n <= _SMALL_BLOCK:
        for i in range(n):
            for j in range(i + 1, n):
                if rules.maybe_pair(block[i], block[j]):
                    yield block[i], block[j]
        return
    # Names of three or more characters one apart (``rules.name_one_char``); names that
    # agree share a reading, below. ``rules.maybe_pair`` in bulk.
    names = [f.name for f in block]
    near = process.cdist(names, names, scorer=Levenshtein.distance, score_cutoff=1) <= 1
    long = np.array([len(name) >= 3 for name in names])
    near &= np.logical_and.outer(long, long)
    readings: dict[str, list[int]] = defaultdict(list)
    phones: dict[str, list[int]] = defaultdict(list)
    bodies: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(block):
        for reading in rules.name_readings(f.name):
            readings[reading].append(i)
        if f.phone_hash:
            phones[f.phone_hash].append(i)
        body = rules.id_body(f.id_number)
        if body:
            bodies[body].append(i)
    for group in (*readings.values(), *phones.values(), *bodies.values()):
        if len(group) > 1:
            idx = np.array(group)
            near[np.ix_(idx, idx)] = True
    for i, j in zip(*np.nonzero(np.triu(near, 1)), strict=True):
        yield block[int(i)], block[int(j)]


def typo_keys(f: Facts) -> tuple[str, str] | None:
    """The two keys of the second block: the name's reading with the ID number's body less
    its date part, and with its first 13 digits."""
    body = rules.id_body(f.id_number)
    if not body:
        return None
    reading = rules.name_key(f.name)
    return f"{reading}|{body[:5]}{body[14:]}", f"{reading}|{body[:13]}"


@dataclass
class SweepResult:
    people: int = 0
    compared: int = 0
    found: dict[tuple[int, int], tuple[Match, str, str]] = field(default_factory=dict)


def _keep(result: SweepResult, a: Facts, b: Facts, min_score: float) -> None:
    result.compared += 1
    low, high = (a, b) if a.pk < b.pk else (b, a)
    key = (low.pk, high.pk)
    if key in result.found:
        return
    found = rules.match(low, high)
    if rules.is_candidate(found, min_score):
        assert found is not None
        result.found[key] = (found, low.area_code, high.area_code)


def sweep(
    *,
    queryset=None,
    min_score: float = rules.MIN_SCORE,
    progress: Callable[[int], None] | None = None,
) -> SweepResult:
    """Every candidate pair among ``queryset`` (all people by default), scored."""
    people = queryset if queryset is not None else Person.objects.all()
    # Names weighed by how common they are in the whole registry, not just the part swept.
    holders = name_holders()
    result = SweepResult()
    key_hashes = array("q")
    key_pks = array("q")
    key_bodies = array("q")  # the ID number's 17-digit body, as a number

    block: list[Facts] = []
    block_key = None
    rows = people.order_by("birth_date", "sex", "pk").values_list(*FACT_COLUMNS)
    # Inside a transaction PostgreSQL streams the cursor; outside one Django declares it
    # WITH HOLD, which reads the whole table into a temporary store before the first row.
    with transaction.atomic(), _read_whole_table(queryset is None):
        for row in rows.iterator(chunk_size=CHUNK):
            f = facts_from_row(row, holders)
            result.people += 1
            if (f.birth_date, f.sex) != block_key:
                for a, b in pairs_in_block(block):
                    _keep(result, a, b, min_score)
                block, block_key = [], (f.birth_date, f.sex)
            block.append(f)
            keys = typo_keys(f)
            body = rules.id_body(f.id_number)
            if keys is not None and body.isdigit():
                for key in keys:
                    key_hashes.append(hash(key))
                    key_pks.append(f.pk)
                    key_bodies.append(int(body))
            if progress is not None and result.people % 100_000 == 0:
                progress(result.people)
    for a, b in pairs_in_block(block):
        _keep(result, a, b, min_score)

    # Only the pairs of a group whose ID numbers are one typo or swap apart are read again.
    pairs = _near_in_groups(
        np.frombuffer(key_hashes, dtype=np.int64),
        np.frombuffer(key_pks, dtype=np.int64),
        np.frombuffer(key_bodies, dtype=np.int64),
    )
    del key_hashes, key_pks, key_bodies
    for group in _phone_groups(people):
        pairs.update((x, y) for i, x in enumerate(group) for y in group[i + 1 :])
    pairs = {(x, y) if x < y else (y, x) for x, y in pairs}
    pairs -= set(result.found)
    facts = facts_for({pk for pair in pairs for pk in pair}, holders)
    for low, high in sorted(pairs):
        if low in facts and high in facts:
            _keep(result, facts[low], facts[high], min_score)
    logger.info(
        "dedup sweep",
        extra={"people": result.people, "compared": result.compared, "pairs": len(result.found)},
    )
    return result


_WHOLE_TABLE = {"cursor_tuple_fraction": "1.0", "work_mem": "'64MB'", "enable_indexscan": "off"}


@contextmanager
def _read_whole_table(whole: bool) -> Iterator[None]:
    """Plan the sweep's cursor for reading every row, not the first few: PostgreSQL plans a
    cursor for its first tenth (``cursor_tuple_fraction``) and picks the birth-date index,
    whose order is not the table's: 2.5 million random page reads, 63 s on the scale-1
    city, against 24 s for a sequential scan and a sort (EXPLAIN ANALYZE, bench/README).
    Set for the sweep's read of the whole table only (``SET LOCAL``, then ``RESET``): a
    part of it is better read through an index."""
    if not whole or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        for name, value in _WHOLE_TABLE.items():
            cursor.execute(f"SET LOCAL {name} = {value}")
    yield
    with connection.cursor() as cursor:
        for name in _WHOLE_TABLE:
            cursor.execute(f"RESET {name}")


def _near_in_groups(
    hashes: np.ndarray, pks: np.ndarray, bodies: np.ndarray
) -> set[tuple[int, int]]:
    """The pairs of people sharing a key whose ID number bodies are one substitution or
    one adjacent swap apart."""
    found: set[tuple[int, int]] = set()
    if len(hashes) == 0:
        return found
    order = np.argsort(hashes, kind="stable")
    hashes, pks, bodies = hashes[order], pks[order], bodies[order]
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    ends = np.r_[starts[1:], len(hashes)]
    for s, e in zip(starts, ends, strict=True):
        if e - s < 2:
            continue
        members = list(zip(pks[s:e].tolist(), bodies[s:e].tolist(), strict=True))
        for i, (pa, ba) in enumerate(members):
            for pb, bb in members[i + 1 :]:
                if pa != pb and OSA.distance(f"{ba:017d}", f"{bb:017d}", score_cutoff=1) <= 1:
                    found.add((pa, pb))
    return found


def _phone_groups(people) -> list[list[int]]:
    shared = (
        people.exclude(phone_hash="")
        .order_by()
        .values("phone_hash")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("phone_hash", flat=True)
    )
    hashes = list(shared)
    groups: dict[str, list[int]] = defaultdict(list)
    for start in range(0, len(hashes), 2000):
        rows = Person.objects.filter(phone_hash__in=hashes[start : start + 2000]).values_list(
            "phone_hash", "pk"
        )
        for phone_hash, pk in rows:
            groups[phone_hash].append(pk)
    return [pks for pks in groups.values() if len(pks) > 1]
