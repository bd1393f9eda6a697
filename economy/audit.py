"""What `manage.py economy_audit` proves: every balance is the sum of its
ledger, each ledger reads as a chain (each row's balance_after = the one
before + its amount, never below 0), every piece paid for was delivered
once, and each
limited edition's numbers were given once each, 1 to the number sold."""

from collections import defaultdict

from django.db.models import Count, F, Max, Min, Sum
from django.db.models.functions import Coalesce

from economy.models import CreditEntry, LimitedUnit, Offer, Purchase
from economy.purchases import purchase_origin
from habbo.models import User
from rooms.models import Furni


def audit() -> list[str]:
    """Every problem found, in words; empty when the books are right."""
    return [*_balances(), *_chains(), *_owners(), *_limited()]


def _balances():
    mismatched = (
        User.objects.annotate(ledger=Coalesce(Sum("credit_entries__amount"), 0))
        .exclude(credits=F("ledger"))
        .values_list("username", "credits", "ledger")
    )
    for name, credits, ledger in mismatched:
        yield f"{name}: balance {credits} but the ledger sums to {ledger}"


def _chains():
    running: dict[int, int] = defaultdict(int)
    for user_id, op_id, amount, after in CreditEntry.objects.order_by("user_id", "id").values_list(
        "user_id", "op_id", "amount", "balance_after"
    ).iterator(chunk_size=5000):
        running[user_id] += amount
        if running[user_id] != after or after < 0:
            yield f"ledger of user {user_id}: {op_id} says {after} after {amount:+d}, but the rows before sum to {running[user_id] - amount}"
            running[user_id] = after


def _owners():
    """A piece is one row with one owner, so a piece with two owners shows as a
    purchase delivered twice (more rows than it paid for) or a number given twice."""
    delivered = dict(
        Furni.objects.filter(origin__startswith="purchase:").values_list("origin").annotate(count=Count("id"))
    )
    bought = Purchase.objects.filter(status=Purchase.Status.COMPLETED).values_list(
        "buyer_id", "key", "quantity", "offer__amount"
    )
    for buyer_id, key, quantity, amount in bought.iterator(chunk_size=5000):
        origin = purchase_origin(buyer_id, key)
        got = delivered.pop(origin, 0)
        if got != quantity * amount:
            yield f"{origin}: paid for {quantity * amount} pieces, {got} delivered"
    for origin, count in delivered.items():
        yield f"{count} pieces from {origin}, which was not a completed purchase"


def _limited():
    units = {
        row["offer"]: row
        for row in LimitedUnit.objects.values("offer").annotate(count=Count("id"), low=Min("number"), high=Max("number"))
    }
    for offer in Offer.objects.filter(limited_stock__isnull=False):
        row = units.get(offer.pk, {"count": 0, "low": None, "high": None})
        if row["count"] != offer.limited_sold or (row["count"] and (row["low"], row["high"]) != (1, row["count"])):
            yield (
                f"limited {offer}: {offer.limited_sold} sold, but {row['count']} numbers given "
                f"({row['low']}–{row['high']})"
            )
        if offer.limited_sold > offer.limited_stock:
            yield f"limited {offer}: {offer.limited_sold} sold of {offer.limited_stock}"
