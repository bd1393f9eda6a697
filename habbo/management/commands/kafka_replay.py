"""Move a stopped consumer's offsets back; with --rebuild, empty its read model first."""

from confluent_kafka import KafkaException
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from habbo.bus.lag import group_id
from habbo.bus.registry import CONSUMERS
from habbo.bus.replay import EARLIEST, ReplayRefused, parse_start, replay

ROW = "{:<32} {:>9} {:>10} {:>10} {:>10}"


class Command(BaseCommand):
    help = (
        "Reset a stopped consumer group's offsets to the start of its topic or to a time; "
        "with --rebuild, empty its projection first so the replay builds it again."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="a registered consumer (kafka_consume --list)")
        parser.add_argument(
            "--from", dest="start", required=True, metavar=f"{EARLIEST}|TIME",
            help=f"{EARLIEST!r} or an ISO 8601 time (the first event at or after it, per partition)",
        )
        parser.add_argument("--rebuild", action="store_true", help="empty the consumer's projection first")

    def handle(self, *args, name, start, rebuild, **options):
        spec = CONSUMERS.get(name)
        if spec is None:
            raise CommandError(f"no consumer {name!r}; registered: {', '.join(CONSUMERS)}")
        try:
            done = replay(spec, parse_start(start), rebuild=rebuild)
        except ReplayRefused as exc:
            raise CommandError(str(exc)) from exc
        except KafkaException as exc:
            raise CommandError(
                f"cannot replay {group_id(spec)} on {spec.topic.full_name} with Kafka at "
                f"{settings.KAFKA_BOOTSTRAP_SERVERS}: {exc.args[0].str()}"
            ) from exc
        if done.forgotten is not None:
            self.stdout.write(f"emptied {spec.name}'s projection; forgot {done.forgotten} applied events")
        self.stdout.write(ROW.format(spec.topic.full_name, "partition", "committed", "end", "now"))
        for r in done.resets:
            self.stdout.write(ROW.format("", r.partition, "-" if r.committed is None else r.committed, r.end, r.offset))
        self.stdout.write(f"{group_id(spec)} reset from {start}: start {spec.name} to replay")
