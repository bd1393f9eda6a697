"""The sales consumer: purchases and pieces per offer per day, from the
item.purchased facts. A read model: empty it and replay the topic to rebuild."""

from collections import defaultdict

from django.db.models import F
from django.utils import timezone

from economy.models import DailySales


def sales_empty() -> None:
    DailySales.objects.all().delete()


def apply_sales(items: list[tuple]) -> None:
    totals: dict[tuple[int, object], list[int]] = defaultdict(lambda: [0, 0, 0])
    for event, envelope in items:
        day = timezone.localdate(envelope.occurred_at)
        sums = totals[(event.offer_id, day)]
        sums[0] += 1
        sums[1] += event.pieces
        sums[2] += event.total
    for (offer_id, day), (purchases, pieces, credits) in totals.items():
        DailySales.objects.get_or_create(offer_id=offer_id, day=day)
        DailySales.objects.filter(offer_id=offer_id, day=day).update(
            purchases=F("purchases") + purchases, pieces=F("pieces") + pieces, credits=F("credits") + credits
        )
