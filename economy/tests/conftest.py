import pytest

from economy.models import CatalogPage, Offer
from rooms.models import Item


@pytest.fixture
def offer(db):
    """make an offer: offer(price=…, name=…, limited_stock=…, …)."""
    page = CatalogPage.objects.create(name="Test page")

    def make(price: int = 8, name: str | None = None, amount: int = 1, **fields) -> Offer:
        item = Item.objects.create(name=name or f"Sofa {Item.objects.count()}", look="sofa", width=2, can_sit=True)
        return Offer.objects.create(page=page, item=item, price=price, amount=amount, **fields)

    return make


def befriend(a, b):
    from friends.models import Friendship

    Friendship.objects.create(user_low_id=min(a.pk, b.pk), user_high_id=max(a.pk, b.pk))
