"""What the catalogue, inventory and wallet windows read."""

from economy.models import CatalogPage, Gift, Offer
from habbo.models import User
from rooms.models import Furni, Item


def item_card(item: Item) -> dict:
    """What the renderer needs to draw a kind of furniture (static/js/room)."""
    return {
        "id": item.pk, "name": item.name, "look": item.look, "width": item.width, "length": item.length,
        "height": item.height, "colour": item.colour, "can_sit": item.can_sit, "can_lay": item.can_lay,
        "can_walk_on": item.can_walk_on, "can_stack": item.can_stack,
        "rotations": [int(r) for r in item.rotations.split(",")],
    }


def catalog() -> list[dict]:
    pages = CatalogPage.objects.filter(visible=True)
    offers = Offer.objects.filter(active=True, page__visible=True).select_related("item")
    by_page: dict[int, list[dict]] = {}
    for offer in offers:
        by_page.setdefault(offer.page_id, []).append(
            {
                "id": offer.pk, "price": offer.price, "amount": offer.amount, "item": item_card(offer.item),
                "limited": {"stock": offer.limited_stock, "sold": offer.limited_sold} if offer.limited_stock else None,
                "per_player_limit": offer.per_player_limit,
            }
        )
    return [
        {"id": page.pk, "name": page.name, "description": page.description, "offers": by_page.get(page.pk, [])}
        for page in pages
    ]


def inventory(user: User) -> list[dict]:
    """The player's pieces not placed in a room, grouped by kind (in the order first owned), with their ids."""
    ids: dict[int, list[int]] = {}
    for furni_id, item_id in Furni.objects.filter(owner=user, room__isnull=True).order_by("id").values_list("id", "item"):
        ids.setdefault(item_id, []).append(furni_id)
    items = Item.objects.in_bulk(ids)
    return [{"item": item_card(items[item_id]), "count": len(of_kind), "ids": of_kind} for item_id, of_kind in ids.items()]


def unopened_gifts(user: User) -> list[Gift]:
    return list(Gift.objects.filter(recipient=user, opened_at__isnull=True).order_by("at"))
