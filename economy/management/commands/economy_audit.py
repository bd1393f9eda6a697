from django.core.management.base import BaseCommand, CommandError

from economy.audit import audit


class Command(BaseCommand):
    help = (
        "Check the books: each balance is the sum of its ledger, every piece paid for was delivered once, "
        "limited numbers were given once each. Exits non-zero on any mismatch."
    )

    def handle(self, *args, **options):
        problems = audit()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} mismatches")
        self.stdout.write("economy audit clean")
