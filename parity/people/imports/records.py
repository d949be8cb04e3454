"""A validated row of a people file, as the bulk writer takes it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields


@dataclass(slots=True)
class PersonRecord:
    """A validated row, ready for the writer. ``None`` in an optional field means the
    cell was blank: a new person gets the default, an existing one keeps their value."""

    row: int
    id_number: str
    id_hash: str
    name: str
    sex: str
    birth_date: dt.date
    address_code: str
    grid_id: int
    area_code: str
    outflow_region_code: str = ""
    outflow_since: dt.date | None = None
    arrived_on: dt.date | None = None
    housing_type: str | None = None
    ethnicity: str | None = None
    education: str | None = None
    marital_status: str | None = None
    hukou_code: str | None = None
    hukou_type: str | None = None
    phone: str | None = None
    phone_hash: str | None = None
    address: str | None = None
    move_reason: str | None = None
    industry: str | None = None
    occupation: str | None = None
    employer: str | None = None
    dwelling_id: int | None = None
    # Sealed values, filled by whoever gets there first (a worker process or the writer).
    id_enc: str | None = None
    phone_enc: str | None = None

    @property
    def is_outflow(self) -> bool:
        return bool(self.outflow_region_code)


# Worker processes send records back as plain tuples: pickling a slotted dataclass costs
# tens of microseconds a row, a tuple well under one.
FIELDS = tuple(f.name for f in fields(PersonRecord))


def to_tuple(record: PersonRecord) -> tuple:
    return tuple(getattr(record, name) for name in FIELDS)


def from_tuple(values: tuple) -> PersonRecord:
    return PersonRecord(*values)
