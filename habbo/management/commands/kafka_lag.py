"""Each registered consumer group's lag per partition; non-zero exit above --max (for alerting)."""

from confluent_kafka import KafkaException
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from habbo.bus.lag import group_id, lag
from habbo.bus.registry import CONSUMERS

ROW = "{:<32} {:<32} {:>9} {:>10} {:>10} {:>8}"


class Command(BaseCommand):
    help = "Show every consumer group's lag per partition, from Kafka; exit 1 when a lag exceeds --max."

    def add_arguments(self, parser):
        parser.add_argument(
            "--max", dest="max_lag", type=int, metavar="N", help="exit 1 if any partition lags more than N events"
        )

    def handle(self, *args, max_lag, **options):
        self.stdout.write(ROW.format("group", "topic", "partition", "committed", "end", "lag"))
        over = []
        for spec in CONSUMERS.values():
            try:
                rows = lag(spec)
            except KafkaException as exc:
                raise CommandError(
                    f"cannot read the lag of {group_id(spec)} on {spec.topic.full_name} from Kafka at "
                    f"{settings.KAFKA_BOOTSTRAP_SERVERS}: {exc.args[0].str()}"
                ) from exc
            for row in rows:
                committed = "-" if row.committed is None else row.committed
                self.stdout.write(ROW.format(row.group, row.topic, row.partition, committed, row.end, row.lag))
                if max_lag is not None and row.lag > max_lag:
                    over.append(row)
            self.stdout.write(ROW.format(group_id(spec), "total", "", "", "", sum(r.lag for r in rows)))
        if over:
            worst = ", ".join(f"{r.group} {r.topic}[{r.partition}] {r.lag}" for r in over)
            raise CommandError(f"lag above {max_lag} on {len(over)} partition(s): {worst}")
