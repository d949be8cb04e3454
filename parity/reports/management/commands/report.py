import datetime as dt
import sys
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parity.areas.models import Area
from parity.reports.figures import report_figures
from parity.reports.renderers import FORMATS, filename, render


class Command(BaseCommand):
    help = (
        "Regenerate the source report's figures (section 一 and (一)(二)) for an area on a "
        "date from the records, as Markdown (default: to stdout), .xlsx (one sheet per "
        "table) or .docx (text, tables and charts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="date YYYY-MM-DD (default: today)")
        parser.add_argument("--area", default="", help="area code (default: the whole city)")
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="md")
        parser.add_argument(
            "--output",
            default="",
            help="file to write ('-' for stdout); default stdout for md, "
            "report-<area>-<date>.<format> otherwise",
        )
        parser.add_argument("--campaign", type=int, default=None, help="campaign id")

    def handle(self, *args, as_of, area: str, fmt: str, output: str, campaign, **options):
        try:
            on = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--as-of: {exc}") from exc
        code = area or settings.PARITY_CITY_CODE
        node = Area.objects.filter(code=code).first()
        if node is None:
            raise CommandError(f"--area: no area with code {code}")
        result = report_figures(as_of=on, area=node, campaign_id=campaign)
        try:
            data = render(result, fmt)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        target = output or ("-" if fmt == "md" else filename(result, fmt))
        if target == "-":
            if fmt == "md":
                self.stdout.write(data.decode(), ending="")
            else:
                sys.stdout.buffer.write(data)
                sys.stdout.flush()
            return
        Path(target).write_bytes(data)
        self.stderr.write(f"{fmt}: {target} ({len(data)} bytes)")
