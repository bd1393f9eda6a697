import json
import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from pydantic import ValidationError

from habbo.bus.producer import EventBusUnavailable
from habbo.json_views import player_only
from habbo.refusals import NOT_UNDERSTOOD, sentence
from rooms import selectors, services
from rooms.events import SETTINGS_REFUSALS
from rooms.forms import RoomCreateForm
from rooms.layouts import LAYOUTS
from rooms.models import Room


def _pending_room(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.GET.get("creating", ""))
    except ValueError:
        return None


def hotel_screen(
    request, *, room: Room | None = None, form: RoomCreateForm | None = None, status: int = 200, **extra
):
    """The game screen: the room, if one is open, under the toolbar and its
    windows; `open_window` (navigator, friends, messenger) opens one at once."""
    context = {"room": room, "form": form or RoomCreateForm(), "layouts": LAYOUTS} | extra
    return render(request, "hotel.html", context, status=status)


@login_required
def navigator(request):
    """The hotel view with the navigator open (and, while a new room is being
    created, a word that it opens as soon as it is ready)."""
    creating = _pending_room(request)
    if creating and Room.objects.filter(pk=creating).exists():
        return redirect("room", room_id=creating)
    return hotel_screen(request, creating=creating, open_window="navigator")


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def room_create(request):
    """The navigator's Create form. From the window (Accept: JSON) it answers
    202 with the room's id; the room opens when room.created says it exists."""
    form = RoomCreateForm(request.POST)
    if not form.is_valid():
        if _wants_json(request):
            fields = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
            first = next(iter(fields.values()))[0]
            return JsonResponse({"error": "invalid", "message": first, "fields": fields}, status=400)
        return hotel_screen(request, form=form, status=400, open_window="navigator")
    # EventBusUnavailable propagates to EventBusUnavailableMiddleware: a 503 page.
    room_id = services.room_create_request(owner=request.user, **form.cleaned_data)
    if _wants_json(request):
        return JsonResponse({"room": str(room_id)}, status=202)
    return redirect(f"{reverse('navigator')}?creating={room_id}")


NAVIGATOR_TABS = ("public", "popular", "mine", "search")  # and "friends": friends.api.rooms_with_friends


@player_only
@require_GET
def navigator_rooms(request):
    """One tab of the navigator window: ?tab=public|popular|mine|search (&q=)."""
    tab = request.GET.get("tab", "public")
    if tab not in NAVIGATOR_TABS:
        return JsonResponse({"error": "invalid", "message": "The navigator has no such tab."}, status=400)
    rooms = {
        "public": selectors.public_rooms,
        "popular": selectors.popular_rooms,
        "mine": lambda: selectors.rooms_of(request.user),
        "search": lambda: selectors.search_rooms(request.GET.get("q", ""), user=request.user),
    }[tab]()
    return JsonResponse({"tab": tab, "rooms": [selectors.room_card(r) for r in rooms]})


@player_only
@require_GET
def room_info(request, room_id):
    """The room info panel: the navigator's card, whether it is yours and,
    for its owner, the settings to edit."""
    room = get_object_or_404(Room.objects.select_related("owner"), pk=room_id)
    yours = room.owner_id == request.user.pk
    settings = {"settings": selectors.room_settings(room)} if yours else {}
    return JsonResponse(selectors.room_card(room) | {"yours": yours, "access": room.access} | settings)


@player_only
@require_POST
def room_settings(request, room_id):
    """The owner saves the room's settings: 202 once Kafka has them; the
    room sees them when the rooms consumer applied them (room_updated)."""
    get_object_or_404(Room, pk=room_id)  # a room that is not there: 404, not "not yours"
    try:
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError("not a JSON object")
        services.room_settings_request(user=request.user, room_id=room_id, settings=body)
    except services.SettingsRefused as exc:
        return JsonResponse({"error": "refused", "message": str(exc)}, status=403)
    except ValidationError as exc:
        message = sentence(exc.errors()[0], SETTINGS_REFUSALS)
        return JsonResponse({"error": "invalid", "message": message}, status=400)
    except ValueError:
        return JsonResponse({"error": "invalid", "message": NOT_UNDERSTOOD}, status=400)
    except EventBusUnavailable:
        message = "The hotel cannot save that right now; nothing was changed. Try again."
        return JsonResponse({"error": "unavailable", "message": message}, status=503)
    return JsonResponse({"status": "saving"}, status=202)


@login_required
def room_detail(request, room_id):
    room = get_object_or_404(Room.objects.select_related("owner"), pk=room_id)
    return hotel_screen(request, room=room)


@player_only
@require_GET
def room_furniture(request, room_id):
    """The room's furniture as the database holds it: a client that missed a
    furni_* frame reads it here instead of re-entering (docs/protocol.md)."""
    furnishing = selectors.room_furnishing(room_id)
    if furnishing is None:
        raise Http404
    return JsonResponse({
        "owner": furnishing.owner,
        "rights": sorted(furnishing.rights),
        "furni_seq": furnishing.seq,
        "furniture": [view.model_dump(mode="json") for view in furnishing.views.values()],
    })
