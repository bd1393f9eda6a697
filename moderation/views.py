"""JSON doors for the game screen: a staff member's actions from the avatar
card and the room info window, and every player's Report button
(docs/protocol.md, "Moderation" and "Call for help")."""

import json
import uuid
from functools import wraps
from typing import Literal

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from habbo.bus.producer import EventBusUnavailable
from habbo.json_views import player_only
from habbo.models import User
from habbo.refusals import NOT_UNDERSTOOD, sentence
from habbo.reports import REPORT_MESSAGE_MAX
from moderation import selectors, services
from moderation.events import MINUTES_MAX, REASON_MAX, Reason
from moderation.rules import is_moderator, next_step

REFUSALS = {
    "kind": "Choose what to do.",
    "action": "Choose what to do.",
    "minutes": "A duration is from 1 minute to a year.",
    "reason": f"Give a reason, up to {REASON_MAX} characters.",
    "ticket_id": NOT_UNDERSTOOD,
    "about": "Say what you are reporting: a player, a room or a chat line.",
    "message": f"Say what happened in up to {REPORT_MESSAGE_MAX} characters.",
}
UNAVAILABLE = "The hotel cannot take that right now; nothing was done. Try again."


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class SanctionBody(_Body):
    kind: Literal["alert", "kick", "mute", "ban", "trade_lock", "next"]
    minutes: int | None = Field(default=None, ge=1, le=MINUTES_MAX)
    reason: Reason


class LiftBody(_Body):
    kind: Literal["mute", "ban", "trade_lock"]
    reason: Reason


class RoomActionBody(_Body):
    action: Literal["kick_all", "lock", "rename"]
    reason: Reason


class ReportBody(BaseModel):
    model_config = ConfigDict(extra="forbid")  # lax: ids arrive as JSON strings

    ticket_id: uuid.UUID = Field(description="made by the client per click, so a second send opens no second ticket")
    about: Literal["player", "room", "chat"]
    user_id: int | None = Field(default=None, gt=0)
    room_id: uuid.UUID | None = None
    chat_line_id: uuid.UUID | None = None
    message: str = Field(default="", max_length=REPORT_MESSAGE_MAX)


def _answer(action):
    """Read the JSON body into the view's schema and turn every refusal into
    a JSON answer in the player's words."""

    @wraps(action)
    def view(request, *args, **kwargs):
        schema = action.__annotations__["body"]
        try:
            body = json.loads(request.body or b"{}")
            message = action(request, *args, body=schema.model_validate(body), **kwargs)
        except services.ModerationRefused as refused:
            return JsonResponse({"error": "refused", "message": refused.message}, status=refused.status)
        except ValidationError as exc:
            error = exc.errors()[0]
            # The schemas' own rules (a mute lasts some minutes) are sentences already.
            said = error["msg"].removeprefix("Value error, ") if error["type"] == "value_error" else None
            message = said[0].upper() + said[1:] + "." if said else sentence(error, REFUSALS)
            return JsonResponse({"error": "invalid", "message": message}, status=400)
        except ValueError:
            return JsonResponse({"error": "invalid", "message": NOT_UNDERSTOOD}, status=400)
        except EventBusUnavailable:
            return JsonResponse({"error": "unavailable", "message": UNAVAILABLE}, status=503)
        return JsonResponse({"status": "sent", "message": message}, status=202)

    return view


def moderator_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_moderator(request.user):
            return JsonResponse({"error": "forbidden", "message": "Only moderators can do that."}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


@player_only
@require_GET
@moderator_only
def player_card(request, user_id: int):
    """What the avatar card shows staff: sanctions in force, history, next step."""
    return JsonResponse(selectors.moderation_card(get_object_or_404(User, pk=user_id)))


@player_only
@require_POST
@moderator_only
@_answer
def sanction(request, user_id: int, body: SanctionBody) -> str:
    event = services.sanction_request(
        moderator=request.user, target_id=user_id, kind=body.kind, minutes=body.minutes, reason=body.reason
    )
    if event.kind == "next":  # chosen when applied; this is what it will be unless another comes first
        return f"Sent: the next step, {next_step(selectors.escalations(get_object_or_404(User, pk=user_id)))}."
    return f"Sent: {event.kind.replace('_', ' ')}."


@player_only
@require_POST
@moderator_only
@_answer
def lift(request, user_id: int, body: LiftBody) -> str:
    services.lift_request(moderator=request.user, target_id=user_id, kind=body.kind, reason=body.reason)
    return f"Sent: lift the {body.kind.replace('_', ' ')}."


@player_only
@require_POST
@moderator_only
@_answer
def room_action(request, room_id: uuid.UUID, body: RoomActionBody) -> str:
    services.room_action_request(moderator=request.user, room_id=room_id, action=body.action, reason=body.reason)
    return "Sent."


@player_only
@require_GET
def alerts(request):
    """The moderators' alerts this player has not closed yet (shown at page load)."""
    return JsonResponse({"alerts": services.alerts_unseen(request.user)})


@player_only
@require_POST
def alert_seen(request, alert_id: uuid.UUID):
    services.alert_seen(user=request.user, alert_id=alert_id)
    return JsonResponse({"status": "seen"})


@player_only
@require_POST
@_answer
def report(request, body: ReportBody) -> str:
    services.report_request(
        reporter=request.user, ticket_id=body.ticket_id, about=body.about, about_user_id=body.user_id,
        room_id=body.room_id, chat_line_id=body.chat_line_id, message=body.message.strip(),
    )
    return "Thank you: your report is with the moderators. You will hear what they decide."
