"""Validated chunks of a people file, in this process or in a second one.

``validated_chunks`` is the one loop over a file's rows that both import paths share:
validate each row, report a repeated ID number against its first row (in file order), cut
the good records into chunks. The staging path can run it, with the sealing and the
formatting of each chunk into ``COPY`` text, in a forked process (``ValidationProcess``) so
that one core validates and encrypts while the other — the database — merges the chunk
before.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parity.core.error_codes import ErrorCode
from parity.core.imports.results import RowError
from parity.people.imports.columns import HEADER_FOR
from parity.people.imports.records import PersonRecord

logger = logging.getLogger(__name__)

Validator = Callable[[int, Sequence[Any]], PersonRecord | list[RowError] | None]


@dataclass
class ValidatedChunk:
    """Up to ``chunk_rows`` good records, the errors of the rows read since the chunk before,
    how many of those rows were not blank (``rows``) and how many were read (``seen``)."""

    records: list[PersonRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    rows: int = 0
    seen: int = 0


def validated_chunks(
    rows: Iterable[tuple[int, Sequence[Any]]], validator: Validator, chunk_rows: int
) -> Iterator[ValidatedChunk]:
    """Chunks of good records in file order; the last one may be empty (it then carries
    the errors and counts of the rows after the last full chunk)."""
    first_row: dict[str, int] = {}
    chunk = ValidatedChunk()
    # The validator's warnings of the row just validated (age over 110, 性别 against the
    # ID number): kept for an imported row, dropped with a refused one.
    warnings: list[RowError] = getattr(validator, "warnings", [])
    for row, cells in rows:
        outcome = validator(row, cells)
        chunk.seen += 1
        if outcome is None:
            continue
        chunk.rows += 1
        # A class check, not isinstance: this runs once per row of large files.
        if outcome.__class__ is list:
            chunk.errors.extend(outcome)  # type: ignore[arg-type]
            warnings.clear()
            continue
        if warnings:
            chunk.warnings.extend(warnings)
            warnings.clear()
        assert isinstance(outcome, PersonRecord)
        earlier = first_row.setdefault(outcome.id_hash, row)
        if earlier != row:
            chunk.errors.append(duplicate_error(outcome, earlier))
            continue
        chunk.records.append(outcome)
        if len(chunk.records) == chunk_rows:
            yield chunk
            chunk = ValidatedChunk()
    yield chunk


def duplicate_error(record: PersonRecord, earlier: int) -> RowError:
    return RowError(
        record.row,
        HEADER_FOR["id_number"],
        record.id_number,
        _("身份证号码与第%(row)d行重复") % {"row": earlier},
        ErrorCode.ID_DUPLICATE,
    )


@dataclass
class PreparedChunk:
    """A chunk as the staging writer takes it: its records as ``COPY`` text (sealed and
    masked: no clear ID or phone number), with the chunk's errors and counts."""

    payload: bytes
    errors: list[RowError]
    rows: int
    seen: int
    warnings: list[RowError] = field(default_factory=list)


Prepare = Callable[[list[PersonRecord]], bytes]


def prepared_chunks(
    rows: Iterable[tuple[int, Sequence[Any]]],
    validator: Validator,
    chunk_rows: int,
    prepare: Prepare,
) -> Iterator[PreparedChunk]:
    for chunk in validated_chunks(rows, validator, chunk_rows):
        payload = prepare(chunk.records) if chunk.records else b""
        yield PreparedChunk(payload, chunk.errors, chunk.rows, chunk.seen, chunk.warnings)


class ValidationProcess:
    """Runs ``prepared_chunks`` in a forked process and hands its chunks to this one.

    Forked, not spawned: the child starts with the open file, the validator (its grids and
    lookups, read from the database here) and the settings (the encryption key) as they
    are, and never touches the database connection it inherits. The pipe holds one chunk:
    the child validates the next chunk while this process writes the one before, and waits
    when it is a chunk ahead. A failure in the child (a file that turns unreadable half-way)
    is raised here, where the caller's transaction rolls back whatever was written.
    """

    def __init__(
        self,
        rows: Iterable[tuple[int, Sequence[Any]]],
        validator: Validator,
        chunk_rows: int,
        prepare: Prepare,
    ) -> None:
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_produce,
            args=(rows, validator, chunk_rows, prepare, sender),
            name="people-import-validation",
            daemon=True,
        )
        self._finished = False
        self._process.start()
        sender.close()  # the child's end: EOF here if the child dies without a word

    def __iter__(self) -> Iterator[PreparedChunk]:
        try:
            while True:
                try:
                    message = self._receiver.recv()
                except EOFError:
                    raise RuntimeError(
                        f"people import: the validation process ended without finishing "
                        f"(exit code {self._process.exitcode})"
                    ) from None
                if message is None:
                    self._finished = True
                    return
                if isinstance(message, BaseException):
                    raise message
                yield message
        finally:
            self.close()

    def close(self) -> None:
        self._receiver.close()
        if not self._finished:
            self._process.terminate()  # this import failed: the rest of the file is moot
        self._process.join()


def _produce(rows, validator: Validator, chunk_rows: int, prepare: Prepare, sender) -> None:
    try:
        for chunk in prepared_chunks(rows, validator, chunk_rows, prepare):
            sender.send(chunk)
        sender.send(None)
    except ValidationError as exc:  # the file: its message is the user's
        sender.send(exc)
    except Exception as exc:  # a bug: logged here (traceback), raised there (type only)
        logger.exception("people import validation failed")
        sender.send(RuntimeError(f"people import: validation failed ({type(exc).__name__})"))
    finally:
        sender.close()
