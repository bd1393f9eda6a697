"""The demo catalogue seeded by `manage.py seed_hotel`: 35 kinds of furniture
on 7 pages. Running it again leaves what exists as it is."""

from economy.models import CatalogPage, Offer
from rooms.models import Item

ALL_TURNS, TWO_TURNS, ONE_TURN = "0,2,4,6", "0,2", "0"

# page: [(name, look, width, length, height, colour, flags, turns, price, extra offer fields)]
CATALOGUE = {
    ("Chairs & sofas", "Somewhere to sit."): [
        ("Wooden chair", "chair", 1, 1, 100, "#a16207", "sit", ALL_TURNS, 3, {}),
        ("Red armchair", "chair", 1, 1, 100, "#b91c1c", "sit", ALL_TURNS, 5, {}),
        ("Blue stool", "chair", 1, 1, 70, "#2563eb", "sit", ONE_TURN, 2, {}),
        ("Sofa", "sofa", 2, 1, 100, "#7c3aed", "sit", ALL_TURNS, 8, {}),
        ("Leather sofa", "sofa", 3, 1, 100, "#78350f", "sit", ALL_TURNS, 12, {}),
        ("Garden bench", "sofa", 2, 1, 90, "#15803d", "sit", ALL_TURNS, 6, {}),
        ("Golden throne", "chair", 1, 1, 150, "#ca8a04", "sit", ALL_TURNS, 40, {}),
    ],
    ("Bedroom", "Lie down for a while."): [
        ("Single bed", "bed", 1, 2, 60, "#e5e7eb", "lay", ALL_TURNS, 10, {}),
        ("Double bed", "bed", 2, 2, 60, "#fca5a5", "lay", ALL_TURNS, 16, {}),
        ("Sleeping bag", "bed", 1, 2, 20, "#0ea5e9", "lay", ALL_TURNS, 4, {}),
        ("Wardrobe", "shelf", 2, 1, 200, "#92400e", "", ALL_TURNS, 9, {}),
    ],
    ("Tables & shelves", "Put things on them."): [
        ("Table", "table", 2, 2, 80, "#92400e", "stack", ALL_TURNS, 5, {}),
        ("Small table", "table", 1, 1, 80, "#a8a29e", "stack", ONE_TURN, 3, {}),
        ("Long table", "table", 3, 1, 80, "#57534e", "stack", ALL_TURNS, 7, {}),
        ("Bar counter", "table", 2, 1, 110, "#1f2937", "stack", ALL_TURNS, 9, {}),
        ("Bookshelf", "shelf", 2, 1, 200, "#7c2d12", "", ALL_TURNS, 8, {}),
    ],
    ("Floors & rugs", "Walk all over them."): [
        ("Rug", "rug", 3, 2, 2, "#dc2626", "walk stack", ALL_TURNS, 6, {}),
        ("Round mat", "rug", 2, 2, 2, "#f59e0b", "walk stack", ONE_TURN, 4, {}),
        ("Runner", "rug", 4, 1, 2, "#1d4ed8", "walk stack", ALL_TURNS, 5, {}),
        ("Grass patch", "rug", 2, 2, 2, "#65a30d", "walk stack", ONE_TURN, 3, {}),
        ("Black tile", "rug", 1, 1, 2, "#111827", "walk stack", ONE_TURN, 1, {"amount": 10}),
    ],
    ("Plants & lights", "Green things and warm light."): [
        ("Plant", "plant", 1, 1, 150, "#16a34a", "", ONE_TURN, 4, {}),
        ("Palm", "plant", 1, 1, 220, "#15803d", "", ONE_TURN, 7, {}),
        ("Cactus", "plant", 1, 1, 120, "#4d7c0f", "", ONE_TURN, 3, {}),
        ("Lamp", "lamp", 1, 1, 180, "#facc15", "", ONE_TURN, 4, {}),
        ("Lava lamp", "lamp", 1, 1, 90, "#f472b6", "", ONE_TURN, 6, {}),
        ("Floor lantern", "lamp", 1, 1, 130, "#fb923c", "", ONE_TURN, 5, {}),
    ],
    ("Dividers & blocks", "Walls inside walls, and blocks to stack."): [
        ("Wooden divider", "divider", 2, 1, 150, "#a16207", "", TWO_TURNS, 5, {}),
        ("Glass divider", "divider", 1, 1, 150, "#93c5fd", "", TWO_TURNS, 6, {}),
        ("Hedge", "divider", 2, 1, 120, "#166534", "", TWO_TURNS, 6, {}),
        ("Stone block", "block", 1, 1, 100, "#9ca3af", "stack", ONE_TURN, 2, {}),
        ("Red block", "block", 1, 1, 100, "#ef4444", "stack", ONE_TURN, 2, {}),
        ("Half block", "block", 1, 1, 50, "#f8fafc", "stack", ONE_TURN, 2, {"amount": 5}),
    ],
    ("Limited edition", "Numbered pieces; when they are gone, they are gone."): [
        ("Dragon lamp", "lamp", 1, 1, 200, "#eab308", "", ONE_TURN, 100, {"limited_stock": 50, "per_player_limit": 1}),
        ("Ice throne", "chair", 1, 1, 150, "#67e8f9", "sit", ALL_TURNS, 150, {"limited_stock": 20, "per_player_limit": 1}),
    ],
}
FLAGS = {"sit": "can_sit", "lay": "can_lay", "walk": "can_walk_on", "stack": "can_stack"}


def seed_catalogue() -> None:
    for position, ((page_name, description), offers) in enumerate(CATALOGUE.items()):
        page, _ = CatalogPage.objects.get_or_create(name=page_name, defaults={"description": description, "position": position})
        for offer_position, (name, look, width, length, height, colour, flags, turns, price, extra) in enumerate(offers):
            item, _ = Item.objects.get_or_create(
                name=name,
                defaults={
                    "look": look, "width": width, "length": length, "height": height, "colour": colour, "rotations": turns,
                    **{FLAGS[flag]: True for flag in flags.split()},
                },
            )
            fields = dict(extra)
            Offer.objects.get_or_create(
                page=page, item=item, amount=fields.pop("amount", 1),
                defaults={"price": price, "position": offer_position, **fields},
            )
