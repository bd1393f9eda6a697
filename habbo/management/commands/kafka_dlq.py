"""Inspect a topic's dead letters and send them back after a fix."""

from confluent_kafka import KafkaException
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from habbo.bus.dlq import REDRIVE_GROUP, REDRIVEN_HEADER, DeadLetter, DeadLetters, NoSuchDeadLetter
from habbo.bus.topics import ALL_TOPICS

TOPICS = {topic.name: topic for topic in ALL_TOPICS}
ROW = "{:>6}  {:<10}  {:<24}  {:<36}  {:<20}  {:<20}  {}"
ERROR_WIDTH = 80

REDRIVE_HELP = f"""Publish dead letters again to their topic: key and value unchanged (so the
event id is the same, and a consumer that applied the event already skips it),
with a `{REDRIVEN_HEADER}: <dlq>@<offset>` header. --all sends every dead letter
from the mark on and then moves the mark to the end; the mark is the committed
offset of the consumer group `<prefix>{REDRIVE_GROUP}` on the DLQ, so running
--all twice sends each dead letter once. --offset sends the ones named even if
--all sent them before, and does not move the mark."""


class Command(BaseCommand):
    help = "List, show or redrive the dead letters of a topic (TOPIC as named in habbo/bus/topics.py)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        topic = {"choices": sorted(TOPICS), "metavar": "TOPIC", "help": f"one of {', '.join(sorted(TOPICS))}"}
        listing = actions.add_parser("list", help="one line per dead letter")
        listing.add_argument("topic", **topic)
        show = actions.add_parser("show", help="one dead letter whole")
        show.add_argument("topic", **topic)
        show.add_argument("offset", type=int, help="its offset in the DLQ")
        redrive = actions.add_parser("redrive", help="send dead letters back", description=REDRIVE_HELP)
        redrive.add_argument("topic", **topic)
        redrive.add_argument(
            "--offset", dest="offsets", type=int, nargs="+", action="extend", default=[], metavar="N",
            help="these DLQ offsets",
        )
        redrive.add_argument(
            "--all", dest="redrive_all", action="store_true", help="every one not sent by --all before"
        )

    def handle(self, *args, action, topic, **options):
        if action == "redrive" and not (options["offsets"] or options["redrive_all"]):
            raise CommandError("redrive needs --offset N ... or --all")
        try:
            with DeadLetters(TOPICS[topic]) as dlq:
                getattr(self, f"_{action}")(dlq, **options)
        except NoSuchDeadLetter as exc:
            raise CommandError(str(exc)) from exc
        except KafkaException as exc:
            raise CommandError(
                f"cannot read {TOPICS[topic].dlq_name} from Kafka at {settings.KAFKA_BOOTSTRAP_SERVERS}: "
                f"{exc.args[0].str()}"
            ) from exc

    def _list(self, dlq: DeadLetters, **_options):
        letters = dlq.read()
        self.stdout.write(ROW.format("offset", "source", "type", "event id", "consumer", "when (UTC)", "error"))
        for letter in letters:
            envelope = letter.envelope
            source = f"{letter.header('source-partition')}@{letter.header('source-offset')}"
            error = " ".join((letter.header("error") or "").split())
            if len(error) > ERROR_WIDTH:
                error = error[: ERROR_WIDTH - 1] + "…"
            self.stdout.write(
                ROW.format(
                    letter.offset, source, envelope.type if envelope else "-", str(envelope.id) if envelope else "-",
                    letter.header("consumer") or "-", _when(letter), error,
                )
            )
        mark = dlq.redriven_up_to()
        self.stdout.write(f"{len(letters)} dead letter(s) in {dlq.dlq}; redrive --all starts at offset {mark}")

    def _show(self, dlq: DeadLetters, *, offset: int, **_options):
        letter = dlq.one(offset)
        self.stdout.write(f"offset: {letter.offset}")
        self.stdout.write(f"when: {_when(letter)}")
        self.stdout.write(f"key: {(letter.key or b'').decode(errors='replace')}")
        self.stdout.write("headers:")
        for name, value in letter.headers:
            self.stdout.write(f"  {name}: {value}")
        self.stdout.write("value:")
        self.stdout.write(letter.pretty_value())

    def _redrive(self, dlq: DeadLetters, *, offsets: list[int], redrive_all: bool, **_options):
        sent = dlq.redrive(offsets, all_after_mark=redrive_all)
        for done in sent:
            envelope = done.letter.envelope
            what = f"{envelope.type} {envelope.id}" if envelope else "(not an event envelope)"
            where = f"{done.topic}[{done.partition}]@{done.offset}"
            self.stdout.write(f"sent {dlq.dlq}@{done.letter.offset} to {where}: {what}")
        self.stdout.write(f"redriven: {len(sent)}; redrive --all starts at offset {dlq.redriven_up_to()}")


def _when(letter: DeadLetter) -> str:
    return letter.when.strftime("%Y-%m-%d %H:%M:%S") if letter.when else "-"
