"""What players and staff ask of the economy: checked here as far as can be
at once, then published (answering once Kafka acknowledged). The economy
consumer applies the events (economy.purchases) and tells the player."""

import uuid

from django.db.models.functions import Upper
from django.utils import timezone

from economy.events import GIFT_NOTE_MAX, CreditsGranted, PurchaseRequested
from economy.models import CreditEntry, Gift, Offer
from economy.purchases import MAX_PIECES
from friends.services import are_friends
from habbo.bus.producer import EventBusUnavailable, publish
from habbo.models import User
from habbo.redis import sync_redis
from habbo.wordfilter import censor, report_word


class EconomyRefused(Exception):
    """Refused at once, with a message for the player."""


def purchase_request(
    *, buyer: User, offer_id: int, quantity: int, key: uuid.UUID, gift_to: str | None = None, note: str = ""
) -> None:
    """Publish the click's purchase.requested; the outcome comes to the buyer's pages."""
    offer = Offer.objects.filter(pk=offer_id, active=True, page__visible=True).first()
    if offer is None:
        raise EconomyRefused("That offer is no longer in the catalogue.")
    if quantity * offer.amount > MAX_PIECES:
        raise EconomyRefused(f"You can buy at most {MAX_PIECES} pieces at a time.")
    recipient_id = None
    if gift_to is not None:
        recipient = User.objects.annotate(upper=Upper("username")).filter(upper=gift_to.strip().upper()).first()
        if recipient is None:
            raise EconomyRefused(f"There is no player called {gift_to.strip()!r}.")
        if recipient.pk == buyer.pk:
            raise EconomyRefused("A gift is for someone else; buy it for yourself instead.")
        if not are_friends(buyer.pk, recipient.pk):
            raise EconomyRefused(f"You can only send gifts to your friends, and {recipient.username} is not one yet.")
        recipient_id = recipient.pk
    gift_note = censor(note if recipient_id else "", max_length=GIFT_NOTE_MAX)
    event = PurchaseRequested(
        purchase=key, buyer_id=buyer.pk, offer_id=offer.pk, quantity=quantity, unit_price=offer.price,
        recipient_id=recipient_id, note=gift_note.text,
    )
    publish(event, actor=buyer.pk)
    report_word(gift_note, writer_id=buyer.pk)


def credits_grant(*, staff: User, user_id: int, amount: int, note: str = "") -> None:
    """A staff grant (from the admin), applied by the economy consumer like any credit change."""
    publish(
        CreditsGranted(op=f"staff:{uuid.uuid4()}", user_id=user_id, amount=amount, reason="staff", note=note),
        actor=staff.pk,
    )


def daily_bonus_claim(*, user: User, amount: int) -> bool:
    """Publish today's login bonus unless it was already; True if published.
    Once a day for good: the ledger takes each day's op once. A Redis mark
    spares the ledger a look on every page load of the day."""
    today = timezone.localdate()
    op = f"daily:{user.pk}:{today.isoformat()}"
    mark = f"live:daily:{op}"
    redis = sync_redis()
    if not amount or not redis.set(mark, 1, nx=True, ex=2 * 86400):
        return False
    if CreditEntry.objects.filter(op_id=op).exists():
        return False
    try:
        publish(CreditsGranted(op=op, user_id=user.pk, amount=amount, reason="daily"), actor=user.pk)
    except EventBusUnavailable:
        redis.delete(mark)  # the next page load tries again
        raise
    return True


def gift_open(*, user: User, gift_id: int) -> bool:
    return bool(Gift.objects.filter(pk=gift_id, recipient=user, opened_at__isnull=True).update(opened_at=timezone.now()))
