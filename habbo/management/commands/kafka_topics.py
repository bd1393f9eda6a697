"""Create every declared topic (and its DLQ) with its retention, replication
factor and min.insync.replicas (KAFKA_REPLICATION_FACTOR,
KAFKA_MIN_INSYNC_REPLICAS), or, with --check, only verify them. A topic that
exists gets its retention and min.insync.replicas set again (an incremental
change: its other settings stay); other partition or replica counts than
declared are reported (changing them is a reassignment, an operator's job)."""

import time

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, AlterConfigOpType, ConfigEntry, ConfigResource, NewTopic
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from habbo.bus.topics import ALL_TOPICS, DLQ_RETENTION_MS


class Command(BaseCommand):
    help = "Create or check every Kafka topic the hotel uses (names take KAFKA_TOPIC_PREFIX)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only report; exit 1 if a topic is missing")
        parser.add_argument("--wait", type=float, default=60, help="seconds to wait for the broker")

    def handle(self, *args, check: bool, wait: float, **options):
        admin = AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
        existing = self._existing(admin, wait)
        wanted = {t.full_name: t.partitions for t in ALL_TOPICS} | {t.dlq_name: 1 for t in ALL_TOPICS}
        retention = {t.full_name: t.retention_ms for t in ALL_TOPICS} | {t.dlq_name: DLQ_RETENTION_MS for t in ALL_TOPICS}
        replicas = settings.KAFKA_REPLICATION_FACTOR
        missing = [name for name in wanted if name not in existing]
        for name, partitions in wanted.items():
            if name in existing and existing[name] != (partitions, replicas or existing[name][1]):
                has = existing[name]
                self.stdout.write(
                    f"{name}: has {has[0]} partitions, replication factor {has[1]}; declared {partitions}, {replicas}"
                )
        if check:
            if missing:
                raise CommandError(f"missing topics: {', '.join(missing)}")
            self.stdout.write(f"all {len(wanted)} topics present")
            return
        if missing:
            futures = admin.create_topics(
                [
                    # -1: the brokers' default.replication.factor.
                    NewTopic(name, num_partitions=wanted[name], replication_factor=replicas or -1,
                             config=self._config(retention[name]))
                    for name in missing
                ],
                operation_timeout=30,
            )
            for name, future in futures.items():
                try:
                    future.result()
                except KafkaException as exc:
                    if exc.args[0].name() != "TOPIC_ALREADY_EXISTS":
                        raise CommandError(f"cannot create {name}: {exc}") from exc
        self._set_config(admin, {name: ms for name, ms in retention.items() if name in existing})
        self.stdout.write(f"topics ready: {len(wanted)} ({len(missing)} created)")

    @staticmethod
    def _config(retention_ms: int) -> dict[str, str]:
        config = {"retention.ms": str(retention_ms)}
        if settings.KAFKA_MIN_INSYNC_REPLICAS:  # else the brokers' own, not overridden per topic
            config["min.insync.replicas"] = str(settings.KAFKA_MIN_INSYNC_REPLICAS)
        return config

    def _set_config(self, admin: AdminClient, retention: dict[str, int]) -> None:
        if not retention:
            return
        resources = [
            ConfigResource(ConfigResource.Type.TOPIC, name, incremental_configs=[
                ConfigEntry(key, value, incremental_operation=AlterConfigOpType.SET)
                for key, value in self._config(ms).items()
            ])
            for name, ms in retention.items()
        ]
        for resource, future in admin.incremental_alter_configs(resources).items():
            try:
                future.result()
            except KafkaException as exc:
                raise CommandError(f"cannot set the configuration of {resource.name}: {exc}") from exc

    def _existing(self, admin: AdminClient, wait: float) -> dict[str, tuple[int, int]]:
        """Each topic's partition count and replication factor."""
        deadline = time.monotonic() + wait
        while True:
            try:
                metadata = admin.list_topics(timeout=5)
                return {
                    name: (len(t.partitions), max((len(p.replicas) for p in t.partitions.values()), default=0))
                    for name, t in metadata.topics.items()
                }
            except KafkaException as exc:
                if time.monotonic() > deadline:
                    raise CommandError(
                        f"Kafka at {settings.KAFKA_BOOTSTRAP_SERVERS} is unreachable: {exc}"
                    ) from exc
                time.sleep(1)
