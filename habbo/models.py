from django.contrib.auth.models import AbstractUser
from django.core.validators import MinLengthValidator, RegexValidator
from django.db import models
from django.db.models.functions import Upper

from habbo.palettes import DEFAULT_HAIR, DEFAULT_HAIR_STYLE, DEFAULT_SHOES, HAIR_STYLES

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #a1b2c3.")


class Rank(models.IntegerChoices):
    """Staff ranks (issue 12): nobody sanctions a rank above their own."""

    PLAYER = 0, "player"
    MODERATOR = 1, "moderator"
    ADMINISTRATOR = 2, "administrator"


class User(AbstractUser):
    """A player. The figure is drawn from a hair style and colours (no copied
    artwork; the choices are habbo.palettes')."""

    # What `figure` is made of (for queries that load only some fields).
    FIGURE_FIELDS = ("figure_skin", "figure_shirt", "figure_legs", "figure_hair_style", "figure_hair", "figure_shoes")

    figure_skin = models.CharField(max_length=7, default="#f2c8a0", validators=[hex_colour])
    figure_shirt = models.CharField(max_length=7, default="#3b82f6", validators=[hex_colour])
    figure_legs = models.CharField(max_length=7, default="#1f2937", validators=[hex_colour])
    figure_hair_style = models.CharField(max_length=8, choices=list(HAIR_STYLES.items()), default=DEFAULT_HAIR_STYLE)
    figure_hair = models.CharField(max_length=7, default=DEFAULT_HAIR, validators=[hex_colour])
    figure_shoes = models.CharField(max_length=7, default=DEFAULT_SHOES, validators=[hex_colour])
    motto = models.CharField(max_length=100, blank=True)
    # Changed only with a ledger row (economy.ledger); the sign-up grant is the first.
    credits = models.PositiveIntegerField(default=0, editable=False)
    last_seen = models.DateTimeField(null=True, blank=True)
    rank = models.PositiveSmallIntegerField(choices=Rank.choices, default=Rank.PLAYER)
    # A moderator's sanctions in force, set only by the moderation consumer
    # (the history is moderation.Sanction). A permanent ban has no end.
    muted_until = models.DateTimeField(null=True, blank=True, editable=False)
    trade_locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    banned = models.BooleanField(default=False, editable=False)
    banned_until = models.DateTimeField(null=True, blank=True, editable=False)
    ban_reason = models.CharField(max_length=200, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        # Players are found by name whatever the case (friend requests, search).
        indexes = [models.Index(Upper("username"), name="user_username_upper")]

    @property
    def figure(self) -> dict[str, str]:
        return {
            "skin": self.figure_skin, "shirt": self.figure_shirt, "legs": self.figure_legs,
            "hair_style": self.figure_hair_style, "hair": self.figure_hair, "shoes": self.figure_shoes,
        }


class ProcessedEvent(models.Model):
    """An event one consumer has applied; makes a second delivery a no-op."""

    consumer = models.CharField(max_length=64)
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=64)
    topic = models.CharField(max_length=200)
    partition = models.IntegerField()
    offset = models.BigIntegerField()
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consumer", "event_id"], name="processed_event_once_per_consumer")
        ]
        indexes = [models.Index(fields=["consumer", "-processed_at"])]

    def __str__(self) -> str:
        return f"{self.consumer}: {self.event_type} {self.event_id}"


class PendingPush(models.Model):
    """The pushes of one applied batch from one partition, stored in the
    batch's transaction and deleted once sent. A consumer killed between its
    commit and the send leaves the row; whoever reads that partition next sends it."""

    consumer = models.CharField(max_length=64)
    # The partition whose events made these pushes: whoever reads it next sends them.
    topic = models.CharField(max_length=249)
    partition = models.PositiveIntegerField()
    pushes = models.JSONField(help_text="[[group, message], …] in the order they were made")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["consumer", "topic", "partition", "created_at"])]

    def __str__(self) -> str:
        return (
            f"{self.consumer} {self.topic}[{self.partition}]: {len(self.pushes)} pushes from "
            f"{self.created_at:%Y-%m-%d %H:%M:%S}"
        )


class FilteredWord(models.Model):
    """A word the hotel does not show (habbo.wordfilter): replaced before anyone reads it."""

    word = models.CharField(
        max_length=40, unique=True,
        help_text="Matched whatever the case, accents and letter-for-digit swaps (4 for a, 3 for e, 0 for o …).",
    )
    # At least 3 characters, so a filtered room name stays a valid name (3 or more).
    replacement = models.CharField(max_length=40, default="bobba", validators=[MinLengthValidator(3)])
    opens_ticket = models.BooleanField(
        default=False, help_text="Also open a call-for-help ticket for moderators when someone writes it."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["word"]

    def __str__(self) -> str:
        return f"{self.word} → {self.replacement}"
