"""Which consumers exist: name → topic, consumer group, and what applies each event type.

Each concern is its own consumer group, so one failing never stops another.
A consumer names either `handlers`, plain functions `handler(event, envelope)`
per event type, or one `batch_handler(items)` that takes every event of a
batch of its `batch_types` in order, as a list of (event, envelope), and can
check and write them all with a few queries. Both run in the batch's
transaction. Event types a consumer has no handler for are skipped (and
committed). A consumer that only builds a read model names the function that
empties it (`rebuild`). Each app registers its consumers in its `handlers`
module, which habbo's AppConfig loads as it loads every app's `events`: the
bus names no app.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ImproperlyConfigured

from habbo.bus.topics import Topic

ApplyItems = Callable[[list[tuple]], None]


@dataclass(frozen=True)
class ConsumerSpec:
    name: str
    topic: Topic
    description: str
    handlers: dict[str, Callable] = field(default_factory=dict)
    batch_handler: ApplyItems | None = None
    batch_types: tuple[str, ...] = ()
    # For side effects a rollback cannot take back (a sent e-mail): never
    # applied again because another event of its batch was refused.
    one_transaction_per_event: bool = False
    group: str = field(default="")
    # Only for a consumer that builds nothing but a read model: empties it, so
    # replaying the topic from the start builds it again (manage.py kafka_replay
    # --rebuild). None: not rebuildable.
    rebuild: Callable[[], None] | None = None

    def __post_init__(self):
        if bool(self.handlers) == bool(self.batch_handler) or bool(self.batch_handler) != bool(self.batch_types):
            raise ValueError(f"consumer {self.name}: give either handlers or a batch_handler with its batch_types")
        if not self.group:
            object.__setattr__(self, "group", self.name)

    @cached_property
    def event_types(self) -> frozenset[str]:
        return frozenset(self.handlers) | frozenset(self.batch_types)

    def resolve(self) -> ApplyItems:
        """The function that applies a list of (event, envelope)."""
        if self.batch_handler:
            return self.batch_handler

        def apply_each(items: list[tuple]) -> None:
            for event, envelope in items:
                self.handlers[envelope.type](event, envelope)

        return apply_each


CONSUMERS: dict[str, ConsumerSpec] = {}


def register(*specs: ConsumerSpec) -> None:
    """Add consumers (from an app's handlers module)."""
    for spec in specs:
        if spec.name in CONSUMERS:
            raise ImproperlyConfigured(f"consumer {spec.name!r} is registered twice")
        CONSUMERS[spec.name] = spec
