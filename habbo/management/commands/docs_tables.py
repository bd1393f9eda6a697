"""Write the message tables of docs/ from the schemas (habbo.docs_tables)."""

from django.core.management.base import BaseCommand, CommandError

from habbo import docs_tables


class Command(BaseCommand):
    help = "Render the message tables of docs/protocol.md and docs/events.md from the schemas."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only report; exit 1 if a table is out of date")

    def handle(self, *args, check: bool, **options):
        stale = docs_tables.stale()
        if check and stale:
            raise CommandError(f"out of date: {', '.join(path.name for path in stale)}; run manage.py docs_tables")
        for path, text in stale.items():
            path.write_text(text)
            self.stdout.write(f"wrote {path.name}")
        if not stale:
            self.stdout.write("the tables match the schemas")
