"""Credits, the catalogue and what was bought.

Credits move only through ledger rows (CreditEntry): a player's balance
(User.credits) always equals the sum of their rows, and each row names the
operation that made it, once. Furniture itself is rooms.Furni.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from rooms.models import Furni, Item

MAX_PRICE = 100_000
MAX_QUANTITY = 100
# User.credits is a 32-bit column: no balance may pass it.
MAX_BALANCE = 2**31 - 1


class CatalogPage(models.Model):
    name = models.CharField(max_length=40, unique=True)
    description = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Pages are listed by this, then by name.")
    visible = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Offer(models.Model):
    """What a click in the catalogue buys: `amount` pieces of one item for `price` credits."""

    page = models.ForeignKey(CatalogPage, on_delete=models.PROTECT, related_name="offers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="offers")
    price = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(MAX_PRICE)])
    amount = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(100)], help_text="Pieces per purchase."
    )
    active = models.BooleanField(default=True)
    limited_stock = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)],
        help_text="A limited edition: this many numbered pieces, then sold out. Empty: unlimited.",
    )
    # Claimed only by a conditional UPDATE in the purchase's transaction (economy.purchases).
    limited_sold = models.PositiveIntegerField(default=0, editable=False)
    per_player_limit = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Purchases one player may make. Empty: no limit."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["page", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=1, price__lte=MAX_PRICE), name="offer_price_range"),
            models.CheckConstraint(condition=models.Q(amount__gte=1, amount__lte=100), name="offer_amount_range"),
            models.CheckConstraint(
                condition=models.Q(limited_stock__isnull=True) | models.Q(limited_sold__lte=models.F("limited_stock")),
                name="offer_not_oversold",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} ×{self.amount} for {self.price}"


class CreditEntry(models.Model):
    """One change of one player's credits."""

    class Reason(models.TextChoices):
        OPENING = "opening", "balance before the ledger"
        SIGNUP = "signup", "sign-up grant"
        DAILY = "daily", "daily login bonus"
        STAFF = "staff", "staff grant"
        PURCHASE = "purchase", "purchase"

    op_id = models.CharField(max_length=100, unique=True, help_text="The operation that made it; one row per operation.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_entries")
    amount = models.BigIntegerField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    balance_after = models.BigIntegerField()
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "credit entries"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance_after__gte=0, balance_after__lte=MAX_BALANCE), name="ledger_balance_range"
            ),
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_amount_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.amount:+d} ({self.reason})"


class Purchase(models.Model):
    """A purchase as applied by the economy consumer, refused ones included,
    so the same click key always gets the same answer."""

    class Status(models.TextChoices):
        COMPLETED = "completed"
        REFUSED = "refused"

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="purchases")
    key = models.UUIDField(help_text="The idempotency key the client made for the click.")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, null=True, related_name="purchases")
    quantity = models.PositiveSmallIntegerField()
    total = models.PositiveIntegerField(default=0)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="gifts_received",
        help_text="A gift's recipient.",
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    reason = models.CharField(max_length=32, blank=True, help_text="Why it was refused.")
    answer = models.JSONField(help_text="The notice the buyer was sent.")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["buyer", "key"], name="purchase_once_per_key")]
        indexes = [models.Index(fields=["buyer", "offer", "status"])]

    def __str__(self) -> str:
        return f"{self.buyer}: {self.offer} ×{self.quantity} {self.status}"


class LimitedUnit(models.Model):
    """The number of a limited edition's piece: each number of an offer once."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="units")
    number = models.PositiveIntegerField()
    furni = models.OneToOneField(Furni, on_delete=models.CASCADE, related_name="limited")
    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, related_name="units")

    class Meta:
        ordering = ["offer", "number"]
        constraints = [models.UniqueConstraint(fields=["offer", "number"], name="limited_number_once")]

    def __str__(self) -> str:
        return f"{self.offer.item} #{self.number}/{self.offer.limited_stock}"


class Gift(models.Model):
    purchase = models.OneToOneField(Purchase, on_delete=models.CASCADE, related_name="gift")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sender_name = models.CharField(max_length=150, help_text="As it was when the gift was sent.")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gifts")
    note = models.CharField(max_length=300, blank=True)
    items = models.JSONField(help_text="The pieces, as the recipient is told of them.")
    opened_at = models.DateTimeField(null=True, blank=True, help_text="When the recipient saw it.")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["recipient", "opened_at"])]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}"


class DailySales(models.Model):
    """Kept by the sales consumer from item.purchased; can be rebuilt by replaying it."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="daily_sales")
    day = models.DateField()
    purchases = models.PositiveIntegerField(default=0)
    pieces = models.PositiveIntegerField(default=0)
    credits = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "daily sales"
        ordering = ["-day", "-credits"]
        constraints = [models.UniqueConstraint(fields=["offer", "day"], name="sales_once_per_offer_day")]

    def __str__(self) -> str:
        return f"{self.offer} on {self.day}"
