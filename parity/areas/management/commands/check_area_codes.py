from django.core.management.base import BaseCommand, CommandError

from parity.areas.rules import area_code_problems


class Command(BaseCommand):
    help = (
        "Report stored areas whose codes break the code structure (length per level, "
        "parent prefix, no overlap with a node outside their line); exits with status 1 "
        "if any does. Users scoped to such a node may see records of other grids."
    )

    def handle(self, *args, **options):
        self.stdout.write("checking area codes …")
        problems = area_code_problems()
        for problem in problems:
            self.stdout.write(f"{problem.code}\t{problem.name}\t{problem.message}")
        if problems:
            raise CommandError(f"{len(problems)} area code(s) break the rule")
        self.stdout.write("area codes: all follow the rule")
