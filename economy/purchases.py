"""The economy consumer's rules: purchases and credit grants, a batch at a time.

A batch (one transaction, habbo.bus.consumer) is read with a few queries
(the wallets locked, the offers, what was bought before), decided in order
in memory, and written with a few bulk inserts. Nothing is created before it
is paid for: the pieces, the debit and a limited number are written in the
same transaction, or none of them.

- The same click key twice: one purchase; the second gets the first's answer.
- Limited stock is claimed by a conditional UPDATE (never read-then-write), so
  two buyers on two partitions can never take the same number or one too many.
"""

import uuid
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, Sum

from economy import pushes
from economy.events import CreditsGranted, ItemPurchased, PurchaseRequested
from economy.ledger import BalanceTooHigh, NotEnoughCredits, Wallets
from economy.models import CreditEntry, Gift, LimitedUnit, Offer, Purchase
from friends.models import Friendship
from friends.rules import pair
from habbo.bus.events import Envelope, InvalidEvent, check_actor
from habbo.bus.push import notify_on_commit, publish_on_commit, push_on_commit, user_group
from habbo.models import User
from rooms.models import Furni

MAX_PIECES = 100  # per purchase: quantity × the offer's amount
# item.purchased ids are made from the purchase, so publishing one twice is harmless.
FACT_IDS = uuid.UUID("3f0b8f5e-51a4-4a43-9d7a-0c9e2b3b7a61")


class Refused(Exception):
    def __init__(self, reason: str):
        self.reason = reason


@dataclass
class _Bought:
    """A completed purchase of this batch, before it is written."""

    purchase: Purchase
    event: PurchaseRequested
    envelope: Envelope
    furni: list[Furni]
    numbers: list[int]
    balance: int


def apply_wallet_events(items: list[tuple]) -> None:
    purchases = [(e, env) for e, env in items if isinstance(e, PurchaseRequested)]
    grants = [(e, env) for e, env in items if isinstance(e, CreditsGranted)]
    for event, envelope in purchases:
        check_actor(envelope.actor, event.buyer_id)
    _check_granters(grants)
    wallets = Wallets({e.buyer_id for e, _ in purchases} | {e.user_id for e, _ in grants})
    if unknown := ({e.buyer_id for e, _ in purchases} | {e.user_id for e, _ in grants}) - set(wallets.balances):
        raise InvalidEvent(f"unknown players {sorted(unknown)}")
    batch = _Batch(purchases, grants, wallets)
    for event, envelope in items:
        if isinstance(event, PurchaseRequested):
            batch.purchase(event, envelope)
        elif isinstance(event, CreditsGranted):
            batch.grant(event, envelope)
    batch.save()


def _check_granters(grants: list[tuple]) -> None:
    for event, envelope in grants:
        if event.reason == "daily":
            check_actor(envelope.actor, event.user_id)
    staff_actors = {env.actor for e, env in grants if e.reason == "staff"}
    if staff_actors:
        staff = set(User.objects.filter(pk__in=staff_actors - {None}, is_staff=True, is_active=True).values_list("pk", flat=True))
        if refused := staff_actors - staff:
            raise InvalidEvent(f"only active staff grant credits, not {sorted(refused, key=str)}")


class _Batch:
    def __init__(self, purchases: list[tuple], grants: list[tuple], wallets: Wallets):
        self.wallets = wallets
        # Answered before, or earlier in this batch (whose answers are made at save).
        self.answered: dict[tuple[int, uuid.UUID], Purchase] = {
            (p.buyer_id, p.key): p
            # By buyer and key: the (buyer, key) unique index finds them.
            for p in Purchase.objects.filter(
                buyer_id__in={e.buyer_id for e, _ in purchases}, key__in={e.purchase for e, _ in purchases}
            ).only("buyer_id", "key", "answer")
        }
        self.offers = Offer.objects.select_related("item").in_bulk({e.offer_id for e, _ in purchases})
        self.bought_before = self._bought_before(purchases)
        self.friends = self._friendships(purchases)
        self.granted = set(
            CreditEntry.objects.filter(op_id__in=[e.op for e, _ in grants]).values_list("op_id", flat=True)
        )
        self.purchases: list[Purchase] = []
        self.bought: list[_Bought] = []
        self.again: list[tuple[int, Purchase]] = []  # clicks answered before: answered the same way
        self.sold_out: set[int] = set()  # limited offers found sold out in this batch

    def _bought_before(self, purchases: list[tuple]) -> Counter:
        """Per (buyer, offer) with a per-player limit: how many were bought."""
        limited = {oid for oid, offer in self.offers.items() if offer.per_player_limit}
        wanted = {(e.buyer_id, e.offer_id) for e, _ in purchases if e.offer_id in limited}
        if not wanted:
            return Counter()
        rows = (
            Purchase.objects.filter(
                buyer_id__in={b for b, _ in wanted}, offer_id__in={o for _, o in wanted}, status=Purchase.Status.COMPLETED
            )
            .values_list("buyer_id", "offer_id")
            .annotate(bought=Sum("quantity"))
        )
        return Counter({(buyer, offer): bought for buyer, offer, bought in rows})

    def _friendships(self, purchases: list[tuple]) -> set[tuple[int, int]]:
        pairs = {pair(e.buyer_id, e.recipient_id) for e, _ in purchases if e.recipient_id}
        if not pairs:
            return set()
        of_pairs = Q()
        for low, high in pairs:
            of_pairs |= Q(user_low_id=low, user_high_id=high)
        return set(Friendship.objects.filter(of_pairs).values_list("user_low_id", "user_high_id"))

    # -- a purchase --------------------------------------------------------------

    def purchase(self, event: PurchaseRequested, envelope: Envelope) -> None:
        done = (event.buyer_id, event.purchase)
        if done in self.answered:
            # The same click again (a double submit, a retry): the same answer, nothing bought twice.
            return self.again.append((event.buyer_id, self.answered[done]))
        offer = self.offers.get(event.offer_id)
        try:
            bought = self._buy(event, envelope, offer)
        except Refused as refusal:
            notice = pushes.PurchaseRefused(
                purchase=event.purchase, offer=event.offer_id, reason=refusal.reason, message=pushes.REFUSALS[refusal.reason]
            )
            self._record(
                event, envelope, offer, status=Purchase.Status.REFUSED, answer=notice.layer_message(), reason=refusal.reason
            )
        else:
            self.bought.append(bought)
        self.answered[done] = self.purchases[-1]

    def _buy(self, event: PurchaseRequested, envelope: Envelope, offer: Offer | None) -> _Bought:
        if offer is None or not offer.active:
            raise Refused("offer_gone")
        pieces = event.quantity * offer.amount
        if pieces > MAX_PIECES:
            raise InvalidEvent(f"{pieces} pieces in one purchase; at most {MAX_PIECES}")
        if event.unit_price != offer.price:
            raise Refused("price_changed")
        if event.recipient_id and pair(event.buyer_id, event.recipient_id) not in self.friends:
            raise Refused("not_friends")
        if offer.per_player_limit and self.bought_before[(event.buyer_id, offer.pk)] + event.quantity > offer.per_player_limit:
            raise Refused("limit_reached")
        total = offer.price * event.quantity
        try:
            self.wallets.check(event.buyer_id, -total)
        except NotEnoughCredits:
            raise Refused("not_enough_credits") from None
        numbers = self._claim(offer, pieces) if offer.limited_stock else []
        balance = self.wallets.change(
            event.buyer_id, -total, op_id=purchase_origin(event.buyer_id, event.purchase),
            reason=CreditEntry.Reason.PURCHASE, note=f"{offer.item.name} ×{pieces}", at=envelope.occurred_at,
        )
        self.bought_before[(event.buyer_id, offer.pk)] += event.quantity
        owner = event.recipient_id or event.buyer_id
        furni = [
            Furni(item=offer.item, owner_id=owner, origin=purchase_origin(event.buyer_id, event.purchase), created_at=envelope.occurred_at)
            for _ in range(pieces)
        ]
        self._record(event, envelope, offer, status=Purchase.Status.COMPLETED, total=total)
        return _Bought(self.purchases[-1], event, envelope, furni, numbers, balance)

    def _claim(self, offer: Offer, pieces: int) -> list[int]:
        # Sold out stays sold out (pieces never go back to the stock): no need to ask again in this batch.
        if offer.pk in self.sold_out:
            raise Refused("sold_out")
        try:
            return _claim_limited(offer, pieces)
        except Refused:
            if pieces == 1:
                self.sold_out.add(offer.pk)
            raise

    def _record(self, event, envelope, offer, *, status, answer=None, reason="", total=0) -> None:
        """The purchase row; a completed one's answer is made once its pieces have ids (save)."""
        self.purchases.append(
            Purchase(
                buyer_id=event.buyer_id, key=event.purchase, offer=offer, quantity=event.quantity, total=total,
                recipient_id=event.recipient_id, status=status, reason=reason, answer=answer, at=envelope.occurred_at,
            )
        )

    # -- a credit grant ----------------------------------------------------------------

    def grant(self, event: CreditsGranted, envelope: Envelope) -> None:
        if event.op in self.granted:
            return
        try:
            balance = self.wallets.change(
                event.user_id, event.amount, op_id=event.op, reason=event.reason, note=event.note, at=envelope.occurred_at
            )
        except BalanceTooHigh:
            raise InvalidEvent(f"{event.op}: the balance would pass the most a player may hold") from None
        self.granted.add(event.op)
        notify_on_commit(
            event.user_id, pushes.CreditsChanged(balance=balance, amount=event.amount, reason=event.reason, note=event.note)
        )

    # -- writing it all ----------------------------------------------------------------

    def save(self) -> None:
        Furni.objects.bulk_create([f for b in self.bought for f in b.furni])
        gifted = [b for b in self.bought if b.event.recipient_id]
        names = self._names({b.event.recipient_id for b in gifted} | {b.event.buyer_id for b in gifted})
        gifts = []
        for b in self.bought:
            cards = [_card(f, b.numbers[i] if b.numbers else None) for i, f in enumerate(b.furni)]
            recipient = b.event.recipient_id
            b.purchase.answer = pushes.PurchaseCompleted(
                purchase=b.event.purchase, offer=b.event.offer_id, balance=b.balance, spent=b.purchase.total,
                items=[] if recipient else cards, gift_to=names.get(recipient),
            ).layer_message()
            if recipient:
                gifts.append(
                    Gift(
                        purchase=b.purchase, sender_id=b.event.buyer_id, sender_name=names[b.event.buyer_id],
                        recipient_id=recipient, note=b.event.note, items=[c.model_dump() for c in cards],
                        at=b.envelope.occurred_at,
                    )
                )
        self.wallets.save()
        Purchase.objects.bulk_create(self.purchases)
        LimitedUnit.objects.bulk_create(
            LimitedUnit(offer_id=b.purchase.offer_id, number=n, furni=f, purchase=b.purchase)
            for b in self.bought
            for n, f in zip(b.numbers, b.furni)
        )
        Gift.objects.bulk_create(gifts)
        # A stored answer is the notice's layer message already: pushed as it is.
        for purchase in self.purchases:
            push_on_commit(user_group(purchase.buyer_id), purchase.answer)
        for buyer_id, purchase in self.again:
            push_on_commit(user_group(buyer_id), purchase.answer)
        for gift in gifts:
            notify_on_commit(gift.recipient_id, gift_notice(gift))
        for b in self.bought:
            publish_on_commit(ItemPurchased.TOPIC.full_name, _fact(b))

    @staticmethod
    def _names(user_ids: set) -> dict[int, str]:
        user_ids.discard(None)
        return dict(User.objects.filter(pk__in=user_ids).values_list("pk", "username")) if user_ids else {}


def purchase_origin(buyer_id: int, key: uuid.UUID) -> str:
    """What a purchased piece says made it (Furni.origin; economy.audit counts them)."""
    return f"purchase:{buyer_id}:{key}"


def _claim_limited(offer: Offer, pieces: int) -> list[int]:
    """The numbers of `pieces` more of a limited edition, or Refused("sold_out"):
    one conditional UPDATE, which waits for any other claim on the offer and
    keeps the row locked until the commit."""
    table, quote = Offer._meta.db_table, connection.ops.quote_name
    sold, stock = quote("limited_sold"), quote("limited_stock")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET {sold} = {sold} + %s WHERE id = %s AND {sold} + %s <= {stock} RETURNING {sold}",
            [pieces, offer.pk, pieces],
        )
        row = cursor.fetchone()
    if row is None:
        raise Refused("sold_out")
    return list(range(row[0] - pieces + 1, row[0] + 1))


def _card(furni: Furni, number: int | None) -> pushes.FurniCard:
    return pushes.FurniCard(id=furni.pk, item=furni.item_id, name=furni.item.name, limited=number)


def gift_notice(gift: Gift) -> pushes.GiftReceived:
    return pushes.GiftReceived(gift=gift.pk, sender=gift.sender_name, note=gift.note, items=gift.items)


def _fact(b: _Bought):
    event = ItemPurchased(
        purchase=b.event.purchase, buyer_id=b.event.buyer_id, offer_id=b.event.offer_id, item_id=b.purchase.offer.item_id,
        quantity=b.event.quantity, pieces=len(b.furni), total=b.purchase.total, recipient_id=b.event.recipient_id,
    )
    return event.envelope(
        actor=b.event.buyer_id, occurred_at=b.envelope.occurred_at, id=uuid.uuid5(FACT_IDS, f"{b.event.buyer_id}:{b.event.purchase}")
    )
