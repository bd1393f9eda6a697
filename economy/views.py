"""The catalogue, inventory and wallet windows' JSON endpoints (docs/protocol.md)."""

import logging
import uuid

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from economy import selectors, services
from economy.events import GiftNote
from economy.models import MAX_QUANTITY
from economy.purchases import gift_notice
from habbo.bus.producer import EventBusUnavailable
from habbo.json_views import player_only

log = logging.getLogger(__name__)


class PurchaseBody(BaseModel):
    """POST /economy/purchase/ (JSON)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    offer: int = Field(gt=0)
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    key: uuid.UUID = Field(description="made by the client, once per click")
    gift_to: str | None = Field(default=None, min_length=1, max_length=150)
    note: GiftNote = ""


# What each field's refusal says to the player (never the validation library's words).
FIELD_MESSAGES = {
    "offer": "Choose an offer from the catalogue.",
    "quantity": f"Buy between 1 and {MAX_QUANTITY} at a time.",
    "key": "Your page is out of date; reload it and try again.",
    "gift_to": "Name the friend the gift is for.",
    "note": "A gift note is up to 300 characters of plain text.",
}


def _refusal(code: str, message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


def _unavailable() -> JsonResponse:
    return _refusal("unavailable", "The hotel cannot do that right now; nothing was charged. Try again.", 503)


@require_GET
@player_only
def catalog(request):
    return JsonResponse({"pages": selectors.catalog()})


@require_GET
@player_only
def inventory(request):
    return JsonResponse({"items": selectors.inventory(request.user)})


@require_GET
@player_only
def wallet(request):
    """The credits and the gifts not yet opened; claims today's login bonus."""
    try:
        services.daily_bonus_claim(user=request.user, amount=settings.DAILY_BONUS_CREDITS)
    except EventBusUnavailable:
        log.warning("daily bonus for %s not published; the next page load tries again", request.user.pk)
    gifts = [gift_notice(g).model_dump(mode="json", by_alias=True) for g in selectors.unopened_gifts(request.user)]
    return JsonResponse({"credits": request.user.credits, "gifts": gifts})


@require_POST
@player_only
def purchase(request):
    try:
        body = PurchaseBody.model_validate_json(request.body or b"{}")
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0]) if exc.errors()[0]["loc"] else ""
        return _refusal("invalid", FIELD_MESSAGES.get(field, "That purchase is not one the hotel understands."))
    try:
        services.purchase_request(
            buyer=request.user, offer_id=body.offer, quantity=body.quantity, key=body.key,
            gift_to=body.gift_to, note=body.note,
        )
    except services.EconomyRefused as exc:
        return _refusal("refused", str(exc))
    except EventBusUnavailable:
        return _unavailable()
    return JsonResponse({"status": "buying", "purchase": str(body.key)}, status=202)


@require_POST
@player_only
def gift_open(request, gift_id: int):
    services.gift_open(user=request.user, gift_id=gift_id)
    return JsonResponse({"opened": gift_id})
