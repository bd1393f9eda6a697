"""Kafka handlers for the moderation consumer: thin doors into moderation.services."""

from habbo.bus.events import Envelope
from habbo.bus.registry import ConsumerSpec, register
from habbo.bus.topics import MODERATION
from habbo.reports import HelpReported
from moderation import services
from moderation.events import PlayerSanctioned, RoomModerated, SanctionLifted, TicketClosed, TicketPicked


def sanctioned(event: PlayerSanctioned, envelope: Envelope) -> None:
    services.sanction_apply(event=event, event_id=envelope.id, actor_id=envelope.actor, at=envelope.occurred_at)


def lifted(event: SanctionLifted, envelope: Envelope) -> None:
    services.lift_apply(event=event, actor_id=envelope.actor, at=envelope.occurred_at)


def room_action(event: RoomModerated, envelope: Envelope) -> None:
    services.room_action_apply(event=event, event_id=envelope.id, actor_id=envelope.actor, at=envelope.occurred_at)


def reported(event: HelpReported, envelope: Envelope) -> None:
    services.report_apply(event=event, actor_id=envelope.actor, at=envelope.occurred_at)


def picked(event: TicketPicked, envelope: Envelope) -> None:
    services.ticket_pick_apply(event=event, actor_id=envelope.actor, at=envelope.occurred_at)


def closed(event: TicketClosed, envelope: Envelope) -> None:
    services.ticket_close_apply(event=event, actor_id=envelope.actor, at=envelope.occurred_at)


register(
    ConsumerSpec(
        name="moderation",
        topic=MODERATION,
        handlers={
            "moderation.sanctioned": sanctioned, "moderation.lifted": lifted, "moderation.room_action": room_action,
            "help.reported": reported, "help.picked": picked, "help.closed": closed,
        },
        description="applies moderators' sanctions and room actions and keeps the call-for-help tickets",
    ),
)
