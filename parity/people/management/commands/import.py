from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from parity.core.jobs import job
from parity.people.imports import import_people
from parity.people.management.commands._acting import acting_user


class Command(BaseCommand):
    help = (
        "Import a .csv or .xlsx file with the template's Chinese headers: "
        "`parity import people FILE` (persons) or `parity import services FILE` (service "
        "records). Bad rows are listed in FILE's .errors.csv; good rows are committed; "
        "importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["people", "services"], help="what the file holds")
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="acting user (default: the first superuser)")
        parser.add_argument(
            "--workers", type=int, default=None, help="validation processes (default: auto)"
        )

    def handle(self, *args, kind: str, file: Path, user: str | None, workers, **options):
        try:
            actor = acting_user(user)
            with job(f"import_{kind}", file=file.name, user_id=actor.pk) as summary:
                if kind == "services":
                    result = self._services(file, actor, options["verbosity"] > 0)
                else:
                    result = import_people(
                        file,
                        acting_user=actor,
                        progress=options["verbosity"] > 0,
                        workers=workers,
                    )
                summary.update(result.log_fields(file, actor))
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("; ".join(messages)) from exc
        self.stdout.write(
            f"rows: {result.total_rows}, created: {result.created}, updated: {result.updated}, "
            f"unchanged: {result.unchanged}, rows with errors: {result.error_rows}"
        )
        if result.error_file:
            self.stdout.write(self.style.WARNING(f"errors: {result.error_file}"))

    def _services(self, file: Path, user, progress: bool):
        from parity.services.imports import import_services

        with tqdm(unit="行", desc=file.name, disable=not progress, leave=True) as bar:
            return import_services(file, acting_user=user, progress=bar.update)
