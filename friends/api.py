"""The friends and messenger windows' JSON endpoints (docs/protocol.md,
"Friends and messenger windows"). The same services as the friends pages;
each write answers once Kafka has the event, and its outcome comes on the
hotel socket."""

from functools import wraps

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pydantic import BaseModel, ConfigDict, ValidationError

from friends import selectors, services
from friends.models import FriendRequest
from friends.presence import friends_by_room, statuses_of
from friends.pushes import Friend, IncomingRequest
from friends.services import FriendActionRefused
from habbo.bus.producer import EventBusUnavailable
from habbo.json_views import player_only
from habbo.models import User
from rooms import selectors as rooms_selectors


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# The bodies' shapes only: the services apply the rules (friends.events), in player words.
class RequestBody(_Body):
    username: str


class MessageBody(_Body):
    text: str


BODY_REFUSALS = {
    RequestBody: "Type the name of the player you want to add.",
    MessageBody: "Write a message to send.",
}


def _refused(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": "refused", "message": message}, status=status)


def friends_action(view):
    """A write: a refusal or Kafka being away answers in player words."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except FriendActionRefused as exc:
            return _refused(str(exc))
        except EventBusUnavailable:
            return _refused("The hotel cannot do that right now; nothing was changed. Try again.", 503)

    return wrapper


def _body(request, schema: type[_Body]) -> _Body:
    try:
        return schema.model_validate_json(request.body or b"{}")
    except ValidationError:
        raise FriendActionRefused(BODY_REFUSALS[schema]) from None


def _friend_rows(user: User) -> list[dict]:
    friends = selectors.friends_of(user)
    statuses = statuses_of([f.pk for f in friends])
    unread = selectors.unread_counts(user)
    rows = []
    for friend in friends:
        card = Friend(id=friend.pk, name=friend.username, figure=friend.figure, **statuses[friend.pk])
        rows.append(card.model_dump(mode="json", by_alias=True) | {"motto": friend.motto, "unread": unread.get(friend.pk, 0)})
    return rows


def _request_row(request: FriendRequest) -> dict:
    sender = request.sender
    card = IncomingRequest(id=request.pk, sender={"id": sender.pk, "name": sender.username, "figure": sender.figure})
    return card.model_dump(mode="json", by_alias=True)


@require_GET
@player_only
def overview(request):
    """Friends (online first), the requests waiting, and how many messages are unread."""
    friends = sorted(_friend_rows(request.user), key=lambda f: (not f["online"], f["name"].lower()))
    return JsonResponse({
        "friends": friends,
        "requests": [_request_row(r) for r in selectors.pending_for(request.user)],
        "online": sum(f["online"] for f in friends),
        "unread": sum(f["unread"] for f in friends),
    })


@require_GET
@player_only
def search(request):
    query = request.GET.get("q", "")
    found = selectors.find_players(query, but=request.user)
    friends = set(selectors.friend_ids(request.user.pk))
    return JsonResponse({"players": [
        {"id": p.pk, "name": p.username, "figure": p.figure, "motto": p.motto, "friend": p.pk in friends}
        for p in found
    ]})


@require_POST
@player_only
@friends_action
def send_request(request):
    body = _body(request, RequestBody)
    services.friend_request_send(sender=request.user, username=body.username)
    return JsonResponse({"message": f"Friend request sent to {body.username}."})


@require_POST
@player_only
@friends_action
def answer_request(request, request_id: int, answer: str):
    if answer not in ("accept", "decline"):
        raise Http404
    accept = answer == "accept"
    services.friend_request_answer(user=request.user, request_id=request_id, accept=accept)
    return JsonResponse({"message": "Accepted." if accept else "Declined."})


@require_POST
@player_only
@friends_action
def remove(request, user_id: int):
    services.friend_remove(user=request.user, friend_id=user_id)
    return JsonResponse({"message": "Friend removed."})


@require_http_methods(["GET", "POST"])
@player_only
@friends_action
def conversation(request, user_id: int):
    """GET: the conversation (what was unread is read now); POST {text}: send."""
    friend = get_object_or_404(User, pk=user_id)
    if request.method == "POST":
        services.message_send(sender=request.user, friend_id=friend.pk, text=_body(request, MessageBody).text)
        return JsonResponse({"status": "sending"}, status=202)
    lines = services.conversation_read(user=request.user, friend_id=friend.pk)
    return JsonResponse({
        "friend": {"id": friend.pk, "name": friend.username},
        "messages": [services.message_card(m) for m in lines],
    })


@require_GET
@player_only
def rooms_with_friends(request):
    """The navigator's "Friends' rooms" tab: the rooms friends are in now, and who."""
    names_in = friends_by_room(request.user)
    rooms = rooms_selectors.rooms_by_id(names_in)
    return JsonResponse({
        "tab": "friends",
        "rooms": [rooms_selectors.room_card(r) | {"friends": sorted(names_in[str(r.pk)])} for r in rooms],
    })
