import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from habbo.json_views import player_only
from rooms import selectors, services
from rooms.forms import RoomCreateForm
from rooms.layouts import LAYOUTS
from rooms.models import Room


def _pending_room(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.GET.get("creating", ""))
    except ValueError:
        return None


def _navigator(request, form: RoomCreateForm, status: int = 200):
    creating = _pending_room(request)
    if creating and Room.objects.filter(pk=creating).exists():
        return redirect("room", room_id=creating)
    return render(
        request,
        "rooms/navigator.html",
        {
            "public_rooms": selectors.public_rooms(),
            "my_rooms": selectors.rooms_of(request.user),
            "popular_rooms": selectors.popular_rooms(),
            "form": form,
            "layouts": LAYOUTS,
            "creating": creating,
        },
        status=status,
    )


@login_required
def navigator(request):
    return _navigator(request, RoomCreateForm())


@login_required
@require_POST
def room_create(request):
    form = RoomCreateForm(request.POST)
    if not form.is_valid():
        return _navigator(request, form, status=400)
    # EventBusUnavailable propagates to EventBusUnavailableMiddleware: a 503 page.
    room_id = services.room_create_request(owner=request.user, **form.cleaned_data)
    return redirect(f"{reverse('navigator')}?creating={room_id}")


@login_required
def room_detail(request, room_id):
    room = get_object_or_404(Room.objects.select_related("owner"), pk=room_id)
    return render(request, "rooms/room.html", {"room": room})


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
