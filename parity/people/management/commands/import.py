from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from parity.accounts.permissions import scope_code
from parity.core.imports.headers import unknown_message
from parity.core.imports.mapping import command_mapping
from parity.core.jobs import job
from parity.indicators.assessment.actions import TARGETS
from parity.people.imports import PEOPLE
from parity.people.management.commands._acting import acting_user
from parity.services.imports import SERVICES

IMPORTERS = {"people": PEOPLE, "services": SERVICES, "targets": TARGETS}


class Command(BaseCommand):
    help = (
        "Import a register (.csv, .xlsx or .xls): `parity import people FILE` (persons), "
        "`parity import services FILE` (service records) or `parity import targets FILE` "
        "(assessment targets, all or nothing). The header is found under a title "
        "and its columns named through the alias table; --header-row, --map and --mapping "
        "set them as the web page's mapping step does. Bad rows are listed in FILE's "
        ".errors.csv (or .xlsx); good rows are committed; --check writes nothing; importing "
        "the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(IMPORTERS), help="what the file holds")
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
        importer = IMPORTERS[kind]
        progress = options["verbosity"] > 0
        try:
            actor = acting_user(user)
            header_row, mapping = command_mapping(
                importer,
                scope=scope_code(actor, importer.action),
                header_row=options["header_row"],
                name=options["mapping"],
                columns=options["map"],
            )
            with (
                job(f"import_{kind}", file=file.name, user_id=actor.pk) as summary,
                tqdm(
                    unit="行",
                    desc=file.name,
                    disable=not progress or kind != "services",
                    leave=True,
                ) as bar,
            ):
                # What only one import takes: the people's writers and progress bar, the
                # service records' progress callback.
                extra: dict = {}
                if kind == "people":
                    extra = {"progress": progress, "workers": workers}
                elif kind == "services":
                    extra = {"progress": bar.update}
                result = importer.run(
                    file,
                    acting_user=actor,
                    header_row=header_row,
                    mapping=mapping,
                    check_only=options["check"],
                    error_format=options["error_format"],
                    **extra,
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
