"""The one ``COPY … FROM STDIN`` helper of the bulk writers (imports, the demo city,
vaccination schedules): lines already in PostgreSQL's text format, sent as one buffer."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

NULL = "\\N"


def copy_text(value: str) -> str:
    """Free text (names, addresses, employers) in COPY's text format; codes, dates,
    hashes and base64 never need escaping."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t")
        return value.replace("\n", "\\n").replace("\r", "\\r")
    return value


def copy_lines(cursor, table: str, columns: Sequence[str], lines: Sequence[str]) -> None:
    """``COPY`` of lines already in the text format, as one buffer: formatting rows in
    Python is several times cheaper than psycopg's per-row ``write_row``."""
    if lines:
        copy_payload(cursor, table, columns, "".join(lines).encode())


def copy_payload(cursor, table: str, columns: Sequence[str], payload: bytes | str) -> None:
    """``COPY table (columns) FROM STDIN`` of a buffer already in the text format (one line
    per row, tab-separated, ``\\N`` for null). ``cursor`` is Django's cursor (PostgreSQL)."""
    if not payload:
        return
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with cursor.cursor.copy(sql) as copy:
        copy.write(payload.encode() if isinstance(payload, str) else payload)
