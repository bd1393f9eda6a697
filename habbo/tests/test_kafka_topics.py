"""manage.py kafka_topics gives every topic its declared retention (kept
for ever: the log rebuilds the read models; dead letters a month), on a topic
it creates and on one that already existed with another."""

import pytest
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
