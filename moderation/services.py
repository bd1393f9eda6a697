"""Moderation rules: publishing a moderator's action or a player's report
(`*_request`), and applying them from the moderation topic (`*_apply`, run by
the moderation consumer in its batch transaction).

A request checks what it can (ranks, who is in which room) so a moderator
hears a refusal at once; the consumer checks again, so a forged event is
dead-lettered, not applied. Every effect leaves the consumer after its
commit: notices and closed sockets through the channel layer (any web
process), a mute or trade lock mirrored in Redis (habbo.restrictions).
"""

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from chat.models import ChatLine
from habbo import restrictions
from habbo.bus.events import InvalidEvent
from habbo.bus.producer import publish
from habbo.bus.push import notify_on_commit, publish_on_redis_on_commit
from habbo.models import User
from habbo.redis import sync_redis
from habbo.reports import HelpReported, report
from moderation.events import PlayerSanctioned, RoomModerated, SanctionLifted, TicketClosed, TicketPicked
from moderation.models import RoomSanction, Sanction, Ticket
from moderation.pushes import Alerted, Lifted, Sanctioned, TicketAnswered
from moderation.rules import is_moderator, may_act_on_room, may_sanction, next_step
from moderation.selectors import escalations
from rooms.frames import RoomUpdated, frame_text
from rooms.live import LiveRoom, frames_channel, room_of
from rooms.models import Room
from rooms.selectors import room_settings

INAPPROPRIATE_NAME = "Inappropriate to hotel management"
ABUSIVE_REPORTS_LIMIT = 3  # abusive reports in ABUSIVE_WINDOW that stop a player reporting
ABUSIVE_WINDOW = timedelta(days=7)
CHAT_LINES_KEPT = 30  # the room's lines a ticket carries
CHAT_WINDOW = timedelta(minutes=10)
OUTCOME_SENTENCES = {
    "resolved": "A moderator looked at your report and acted on it. Thank you.",
    "useless": "A moderator looked at your report and found nothing to act on.",
    "abusive": "A moderator found your report abusive. Reports without reason count against you.",
}


class ModerationRefused(Exception):
    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.message = message
        self.status = status


# -- requests (web processes) ----------------------------------------------------


def sanction_request(
    *, moderator: User, target_id: int, kind: str, reason: str, minutes: int | None = None,
    room_id: uuid.UUID | None = None,
) -> PlayerSanctioned:
    """Publish a sanction; `kind` "next" takes the next step of the default
    ladder from the player's history. Raises ModerationRefused, pydantic's
    ValidationError or EventBusUnavailable."""
    target = User.objects.filter(pk=target_id).first()
    if target is None:
        raise ModerationRefused("There is no such player.", 404)
    if why := may_sanction(moderator, target):
        raise ModerationRefused(why)
    if kind == "kick" and room_id is None:
        if (room := room_of(target.pk)) is None:
            raise ModerationRefused(f"{target.username} is not in a room.", 409)
        room_id = uuid.UUID(room)
    event = PlayerSanctioned(target_id=target.pk, kind=kind, minutes=minutes, reason=reason, room_id=room_id)
    publish(event, actor=moderator.pk)
    return event



def lift_request(*, moderator: User, target_id: int, kind: str, reason: str) -> None:
    target = User.objects.filter(pk=target_id).first()
    if target is None:
        raise ModerationRefused("There is no such player.", 404)
    if why := may_sanction(moderator, target):
        raise ModerationRefused(why)
    publish(SanctionLifted(target_id=target.pk, kind=kind, reason=reason), actor=moderator.pk)


def room_action_request(*, moderator: User, room_id: uuid.UUID, action: str, reason: str) -> None:
    room = Room.objects.select_related("owner").filter(pk=room_id).first()
    if room is None:
        raise ModerationRefused("There is no such room.", 404)
    if why := may_act_on_room(moderator, room):
        raise ModerationRefused(why)
    publish(RoomModerated(room_id=room_id, action=action, reason=reason), actor=moderator.pk)


def ticket_pick_request(*, moderator: User, ticket: Ticket) -> None:
    if not is_moderator(moderator):
        raise ModerationRefused("Only moderators pick tickets.")
    if ticket.state != Ticket.State.OPEN:
        raise ModerationRefused(f"That ticket is already {ticket.state}.", 409)
    publish(TicketPicked(ticket_id=ticket.pk), actor=moderator.pk)


def ticket_close_request(*, moderator: User, ticket: Ticket, outcome: str, note: str = "") -> None:
    if not is_moderator(moderator):
        raise ModerationRefused("Only moderators close tickets.")
    if ticket.state == Ticket.State.CLOSED:
        raise ModerationRefused("That ticket is already closed.", 409)
    publish(TicketClosed(ticket_id=ticket.pk, outcome=outcome, note=note), actor=moderator.pk)


def abusive_reports(user: User) -> int:
    """The player's reports closed as abusive lately: they count against them."""
    since = timezone.now() - ABUSIVE_WINDOW
    return Ticket.objects.filter(reporter=user, outcome=Ticket.Outcome.ABUSIVE, closed_at__gte=since).count()


def report_request(*, reporter: User, **fields) -> HelpReported:
    """Publish a player's call for help; `fields` are HelpReported's but the reporter."""
    if abusive_reports(reporter) >= ABUSIVE_REPORTS_LIMIT:
        raise ModerationRefused(
            "Several of your recent reports were found abusive, so you cannot report for a few days."
        )
    event = HelpReported(reporter_id=reporter.pk, **fields)
    if event.about_user_id == reporter.pk:
        raise ModerationRefused("You cannot report yourself.", 400)
    if event.about_user_id and not User.objects.filter(pk=event.about_user_id).exists():
        raise ModerationRefused("There is no such player.", 404)
    if event.about == "room" and not Room.objects.filter(pk=event.room_id).exists():
        raise ModerationRefused("There is no such room.", 404)
    report(event)
    return event


# -- applying events (the moderation consumer) -----------------------------------


def _moderator(actor_id: int | None) -> User:
    moderator = User.objects.filter(pk=actor_id).first() if actor_id else None
    if moderator is None or not is_moderator(moderator):
        raise InvalidEvent(f"user {actor_id} is not a moderator")
    return moderator


def _target(moderator: User, target_id: int) -> User:
    target = User.objects.select_for_update().filter(pk=target_id).first()
    if target is None:
        raise InvalidEvent(f"unknown player {target_id}")
    if why := may_sanction(moderator, target):
        raise InvalidEvent(why)
    return target


@transaction.atomic
def sanction_apply(*, event: PlayerSanctioned, event_id: uuid.UUID, actor_id: int | None, at: datetime) -> None:
    moderator = _moderator(actor_id)
    target = _target(moderator, event.target_id)  # locked: the player's sanctions apply one at a time
    kind, minutes = event.kind, event.minutes
    if kind == "next":
        step = next_step(escalations(target))
        kind, minutes = step.kind, step.minutes
    until = at + timedelta(minutes=minutes) if minutes else None
    Sanction.objects.create(
        id=event_id, target=target, moderator=moderator, kind=kind, reason=event.reason,
        room=Room.objects.filter(pk=event.room_id).first() if event.room_id else None,
        created_at=at, until=until, escalated=event.kind == "next",
    )
    if kind == "alert":
        notify_on_commit(target.pk, Alerted(id=str(event_id), message=event.reason))
    elif kind == "kick":
        restrictions.close_sockets_on_commit(
            target.pk, code=restrictions.CLOSE_KICKED, reason=f"A moderator sent you out of the room: {event.reason}",
            hotel=False, room_id=str(event.room_id) if event.room_id else None,
        )
    elif kind == "ban":
        # A shorter ban given while a longer one runs does not shorten it (lift it first).
        if restrictions.banned_now(target) and (target.banned_until is None or (until and target.banned_until > until)):
            until = target.banned_until
        target.banned, target.banned_until, target.ban_reason = True, until, event.reason
        target.save(update_fields=["banned", "banned_until", "ban_reason"])
        restrictions.close_sockets_on_commit(
            target.pk, code=restrictions.CLOSE_BANNED, reason=restrictions.ban_sentence(target), hotel=True
        )
    else:
        field = "muted_until" if kind == "mute" else "trade_locked_until"
        until = max(until, getattr(target, field) or until)  # the later end holds
        setattr(target, field, until)
        target.save(update_fields=[field])
        # Before the commit: if it fails, the event is applied again and sets it again.
        restrictions.mirror(kind, target.pk, until)
        what = "muted" if kind == "mute" else "locked out of trading"
        message = f"A moderator {what} you for {restrictions.time_left(until)}: {event.reason}"
        notify_on_commit(target.pk, Sanctioned(sanction=kind, until=until, reason=event.reason, message=message))


@transaction.atomic
def lift_apply(*, event: SanctionLifted, actor_id: int | None, at: datetime) -> None:
    moderator = _moderator(actor_id)
    target = _target(moderator, event.target_id)
    in_force = Sanction.objects.filter(target=target, kind=event.kind, lifted_at__isnull=True)
    in_force.exclude(until__lte=at).update(lifted_at=at, lifted_by=moderator, lift_reason=event.reason)
    if event.kind == "ban":
        target.banned, target.banned_until, target.ban_reason = False, None, ""
        target.save(update_fields=["banned", "banned_until", "ban_reason"])
        return
    field = "muted_until" if event.kind == "mute" else "trade_locked_until"
    setattr(target, field, None)
    target.save(update_fields=[field])
    restrictions.mirror(event.kind, target.pk, None)
    what = "Your mute was lifted." if event.kind == "mute" else "You may trade again."
    notify_on_commit(target.pk, Lifted(sanction=event.kind, message=what))


@transaction.atomic
def room_action_apply(*, event: RoomModerated, event_id: uuid.UUID, actor_id: int | None, at: datetime) -> None:
    moderator = _moderator(actor_id)
    room = Room.objects.select_for_update().select_related("owner").filter(pk=event.room_id).first()
    if room is None:
        raise InvalidEvent(f"unknown room {event.room_id}")
    if why := may_act_on_room(moderator, room):
        raise InvalidEvent(why)
    RoomSanction.objects.create(
        id=event_id, room=room, moderator=moderator, action=event.action, reason=event.reason,
        previous_name=room.name, created_at=at,
    )
    if event.action == "kick_all":
        present = [int(uid) for uid in sync_redis().hkeys(LiveRoom(room.pk).key)]
        staff = {user.pk for user in User.objects.filter(pk__in=present, is_staff=True) if is_moderator(user)}
        for user_id in set(present) - staff - {room.owner_id}:
            restrictions.close_sockets_on_commit(
                user_id, code=restrictions.CLOSE_KICKED, hotel=False, room_id=str(room.pk),
                reason=f"A moderator sent everyone out of the room: {event.reason}",
            )
        return
    if event.action == "lock":
        room.access = Room.Access.LOCKED
    else:
        room.name, room.description = INAPPROPRIATE_NAME, ""
    room.save(update_fields=["access", "name", "description"])
    publish_on_redis_on_commit(frames_channel(room.pk), frame_text(RoomUpdated(room=room_settings(room))))


def _chat_lines(*, room_id, user_id, until: datetime) -> list[dict]:
    """The lines of that moment: the room's (or, reported outside a room, the player's)."""
    lines = ChatLine.objects.filter(said_at__lte=until, said_at__gte=until - CHAT_WINDOW)
    lines = lines.filter(room_id=room_id) if room_id else lines.filter(user_id=user_id)
    recent = lines.select_related("user", "recipient").order_by("-said_at")[:CHAT_LINES_KEPT]
    return [
        {"id": str(line.pk), "at": line.said_at.isoformat(), "user": line.user.username, "kind": line.kind,
         "to": line.recipient.username if line.recipient else None, "text": line.text}
        for line in reversed(recent)
    ]


@transaction.atomic
def report_apply(*, event: HelpReported, actor_id: int | None, at: datetime) -> None:
    if actor_id != event.reporter_id:
        raise InvalidEvent(f"user {actor_id} cannot report for {event.reporter_id}")
    wanted = {event.reporter_id, event.about_user_id} - {None}
    if User.objects.filter(pk__in=wanted).count() != len(wanted):
        raise InvalidEvent("unknown reporter or reported player")
    room_id, about_user_id = event.room_id, event.about_user_id
    # The line is on another topic: the chat history may not have it yet. Then
    # the ticket keeps its id and the room and speaker the reporter's client named.
    line = ChatLine.objects.filter(pk=event.chat_line_id).first() if event.about == "chat" else None
    if line is not None:
        room_id, about_user_id = line.room_id, line.user_id
    Ticket.objects.get_or_create(
        id=event.ticket_id,
        defaults=dict(
            reporter_id=event.reporter_id, about=event.about, about_user_id=about_user_id, room_id=room_id,
            chat_line_id=event.chat_line_id, message=event.message, quote=event.quote,
            private_quote=event.private, created_at=at,
            chat_lines=_chat_lines(room_id=room_id, user_id=about_user_id, until=at),
        ),
    )


def _ticket(ticket_id: uuid.UUID) -> Ticket:
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise InvalidEvent(f"unknown ticket {ticket_id}")
    return ticket


@transaction.atomic
def ticket_pick_apply(*, event: TicketPicked, actor_id: int | None, at: datetime) -> None:
    moderator = _moderator(actor_id)
    ticket = _ticket(event.ticket_id)
    if ticket.state == Ticket.State.OPEN:  # two picks at once: the first wins
        ticket.state, ticket.picked_by, ticket.picked_at = Ticket.State.PICKED, moderator, at
        ticket.save(update_fields=["state", "picked_by", "picked_at"])


@transaction.atomic
def ticket_close_apply(*, event: TicketClosed, actor_id: int | None, at: datetime) -> None:
    moderator = _moderator(actor_id)
    ticket = _ticket(event.ticket_id)
    if ticket.state == Ticket.State.CLOSED:
        return
    ticket.state, ticket.closed_by, ticket.closed_at = Ticket.State.CLOSED, moderator, at
    ticket.outcome, ticket.note = event.outcome, event.note
    ticket.picked_by = ticket.picked_by or moderator
    ticket.picked_at = ticket.picked_at or at
    ticket.save()
    if ticket.reporter_id:
        message = OUTCOME_SENTENCES[event.outcome] + (f" {event.note}" if event.note else "")
        notify_on_commit(
            ticket.reporter_id, TicketAnswered(ticket_id=str(ticket.pk), outcome=event.outcome, message=message)
        )


def alerts_unseen(user: User) -> list[dict]:
    """The alerts the player has not closed yet, oldest first."""
    alerts = Sanction.objects.filter(target=user, kind=Sanction.Kind.ALERT, seen_at__isnull=True).order_by("created_at")
    return [{"id": str(alert.pk), "message": alert.reason} for alert in alerts]


def alert_seen(*, user: User, alert_id: uuid.UUID) -> None:
    """The player closed an alert. Their own receipt, a plain write like their
    looks: nothing is built from it that a replay would have to rebuild."""
    Sanction.objects.filter(pk=alert_id, target=user, kind=Sanction.Kind.ALERT, seen_at__isnull=True).update(
        seen_at=timezone.now()
    )
