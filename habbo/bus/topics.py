"""Every Kafka topic, declared once. Names take KAFKA_TOPIC_PREFIX."""

from dataclasses import dataclass

from django.conf import settings


KEPT = -1  # retention.ms: never deleted
DLQ_RETENTION_MS = 30 * 24 * 3600 * 1000  # dead letters: a month to look at them and redrive


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int
    key: str  # what the message key is; documented in docs/events.md
    # The log is the source of truth for durable facts: every topic is kept,
    # so a read model built from it can be rebuilt (manage.py kafka_replay).
    retention_ms: int = KEPT

    @property
    def full_name(self) -> str:
        return settings.KAFKA_TOPIC_PREFIX + self.name

    @property
    def dlq_name(self) -> str:
        return self.full_name + ".dlq"


ROOM_EVENTS = Topic("room-events", 6, "room id")
CHAT_MESSAGES = Topic("chat-messages", 6, "room id")
FRIEND_REQUESTS = Topic("friend-requests", 6, "the ordered user pair, '<lower id>:<higher id>'")
PRIVATE_MESSAGES = Topic("private-messages", 6, "the ordered user pair, '<lower id>:<higher id>'")
# Every event that changes one player's credits, so a wallet's changes apply in order.
PURCHASES = Topic("purchases", 3, "the user id of the player whose credits change (the buyer)")
ITEM_PURCHASES = Topic("item-purchases", 3, "offer id")
MODERATION = Topic(
    "moderation", 3, "the target: a sanctioned player's id, a room's id (room actions) or a ticket's id (calls for help)"
)

ALL_TOPICS = (
    ROOM_EVENTS, CHAT_MESSAGES, FRIEND_REQUESTS, PRIVATE_MESSAGES, PURCHASES, ITEM_PURCHASES, MODERATION
)
