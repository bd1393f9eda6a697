"""manage.py kafka_topics gives every topic its declared retention (kept
for ever: the log rebuilds the read models; dead letters a month), on a topic
it creates and on one that already existed with another; and the replicas
that must be in sync for an ack (KAFKA_MIN_INSYNC_REPLICAS) likewise."""

import pytest
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic
from django.conf import settings
from django.core.management import call_command

from conftest import wait_for
from habbo.bus.topics import ALL_TOPICS, CHAT_MESSAGES, DLQ_RETENTION_MS, KEPT


def retention(admin: AdminClient, names: list[str]) -> dict[str, int]:
    resources = [ConfigResource(ConfigResource.Type.TOPIC, name) for name in names]
    return {
        resource.name: int(future.result()["retention.ms"].value)
        for resource, future in admin.describe_configs(resources).items()
    }


@pytest.mark.django_db
def test_every_topic_gets_its_declared_retention(kafka):
    admin = AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    # The kafka fixture made the topics with kafka_topics: a fresh prefix's topics were created.
    assert retention(admin, [t.full_name for t in ALL_TOPICS]) == {t.full_name: KEPT for t in ALL_TOPICS}
    assert set(retention(admin, [t.dlq_name for t in ALL_TOPICS]).values()) == {DLQ_RETENTION_MS}

    # A topic made elsewhere with a day's retention (say by hand) is set right on the next run.
    settings.KAFKA_TOPIC_PREFIX = kafka.prefix + "old."
    try:
        futures = admin.create_topics([
            NewTopic(CHAT_MESSAGES.full_name, num_partitions=6, replication_factor=1, config={"retention.ms": "86400000"})
        ])
        futures[CHAT_MESSAGES.full_name].result()
        wait_for(lambda: CHAT_MESSAGES.full_name in admin.list_topics(timeout=5).topics, what="the topic made")
        assert retention(admin, [CHAT_MESSAGES.full_name]) == {CHAT_MESSAGES.full_name: 86400000}
        call_command("kafka_topics", verbosity=0)
        # The broker applies a configuration change a moment after it acknowledged it.
        wait_for(lambda: retention(admin, [CHAT_MESSAGES.full_name]) == {CHAT_MESSAGES.full_name: KEPT},
                 timeout=10, what="the retention set again")
    finally:
        settings.KAFKA_TOPIC_PREFIX = kafka.prefix  # the fixture deletes everything under it


def min_insync(admin: AdminClient, names: list[str]) -> set[str] | None:
    """Every topic's min.insync.replicas; None while a new topic is not yet known to the broker asked."""
    configs = admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, name) for name in names])
    try:
        return {future.result()["min.insync.replicas"].value for future in configs.values()}
    except KafkaException:
        return None


@pytest.mark.django_db
def test_replicas_in_sync_are_set_on_every_run_and_other_replica_counts_reported(kafka, settings, capsys):
    admin = AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    names = [t.full_name for t in ALL_TOPICS] + [t.dlq_name for t in ALL_TOPICS]
    # Unset: the broker's own (1 on this single broker), not written per topic.
    assert settings.KAFKA_MIN_INSYNC_REPLICAS is None
    wait_for(lambda: min_insync(admin, names) == {"1"}, timeout=10, what="the new topics described")

    # Settings for a cluster, against topics made with one replica (this broker has no more).
    settings.KAFKA_REPLICATION_FACTOR, settings.KAFKA_MIN_INSYNC_REPLICAS = 3, 2
    call_command("kafka_topics")
    report = capsys.readouterr().out
    assert f"{CHAT_MESSAGES.full_name}: has 6 partitions, replication factor 1; declared 6, 3" in report
    assert f"{CHAT_MESSAGES.dlq_name}: has 1 partitions, replication factor 1; declared 1, 3" in report
    wait_for(lambda: min_insync(admin, names) == {"2"}, timeout=10, what="min.insync.replicas set again")
