from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from parity.accounts.permissions import CHANGE, scope_code
from parity.core.imports.headers import column_index, unknown_message
from parity.core.imports.mapping import named_mapping
from parity.core.jobs import job
from parity.people.imports import import_people
from parity.people.imports.columns import READ_HEADERS
from parity.people.management.commands._acting import acting_user
from parity.services.imports import import_services


class Command(BaseCommand):
    help = (
        "Import a register (.csv, .xlsx or .xls): `parity import people FILE` (persons) or "
        "`parity import services FILE` (service records). The header is found under a title "
        "and its columns named through the alias table; --header-row, --map and --mapping "
        "set them as the web page's mapping step does. Bad rows are listed in FILE's "
        ".errors.csv (or .xlsx); good rows are committed; --check writes nothing; importing "
        "the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["people", "services"], help="what the file holds")
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="acting user (default: the first superuser)")
        parser.add_argument(
            "--workers", type=int, default=None, help="validation processes (default: auto)"
        )
        parser.add_argument(
            "--header-row", type=int, default=None, help="the header's (first) row, 1-based"
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=HEADER",
            help="column (letter or 1-based number) to a template header, empty to skip: "
            "--map C=身份证号码 --map F=",
        )
        parser.add_argument(
            "--mapping", default=None, help="a mapping saved on the import page, by name"
        )
        parser.add_argument(
            "--check", action="store_true", help="check the whole file, write nothing"
        )
        parser.add_argument(
            "--error-format", choices=["csv", "xlsx"], default="csv", help="the error file"
        )

    def handle(self, *args, kind: str, file: Path, user: str | None, workers, **options):
        try:
            actor = acting_user(user)
            with job(f"import_{kind}", file=file.name, user_id=actor.pk) as summary:
                if kind == "services":
                    result = self._services(file, actor, options["verbosity"] > 0, options)
                else:
                    header_row, mapping = self._mapping(actor, options)
                    result = import_people(
                        file,
                        acting_user=actor,
                        progress=options["verbosity"] > 0,
                        workers=workers,
                        header_row=header_row,
                        mapping=mapping,
                        check_only=options["check"],
                        error_format=options["error_format"],
                    )
                summary.update(result.log_fields(file, actor))
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("; ".join(messages)) from exc
        if result.ignored_columns:
            self.stdout.write(self.style.WARNING(unknown_message(result.ignored_columns)))
        if result.checked_only:
            self.stdout.write("checked only: nothing was written")
        self.stdout.write(
            f"rows: {result.total_rows}, created: {result.created}, updated: {result.updated}, "
            f"unchanged: {result.unchanged}, rows with errors: {result.error_rows}, "
            f"warnings: {len(result.warnings)}"
        )
        if result.error_file:
            self.stdout.write(self.style.WARNING(f"errors: {result.error_file}"))

    def _services(self, file: Path, user, progress: bool, options):
        with tqdm(unit="行", desc=file.name, disable=not progress, leave=True) as bar:
            return import_services(
                file, acting_user=user, progress=bar.update, error_format=options["error_format"]
            )

    def _mapping(self, user, options) -> tuple[int | None, dict[int, str | None] | None]:
        header_row: int | None = options["header_row"]
        mapping: dict[int, str | None] | None = None
        if options["mapping"]:
            saved = named_mapping(
                kind="people", name=options["mapping"], area_code=scope_code(user, CHANGE)
            )
            header_row = header_row or saved.header_row
            mapping = saved.mapping
        for item in options["map"]:
            column, _sep, header = item.partition("=")
            index = column_index(column.strip())
            if index is None or (header and header not in READ_HEADERS):
                raise CommandError(f"--map {item}: expected COLUMN=HEADER with a template header")
            mapping = {**(mapping or {}), index: header or None}
        return header_row, mapping
