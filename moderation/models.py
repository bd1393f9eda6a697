"""What moderators did and what players reported: written by the moderation
consumer, from events on the moderation topic (but for the player's own
receipt of an alert, Sanction.seen_at)."""

import uuid

from django.conf import settings
from django.db import models

from habbo.reports import REPORT_MESSAGE_MAX


class Sanction(models.Model):
    """One sanction of one player: who gave it, when, why and until when."""

    class Kind(models.TextChoices):
        ALERT = "alert"
        KICK = "kick"
        MUTE = "mute"
        BAN = "ban"
        TRADE_LOCK = "trade_lock", "trade lock"

    # The id of the event that gave it: applying it twice is impossible.
    id = models.UUIDField(primary_key=True)
    target = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.CharField(max_length=200)
    room = models.ForeignKey("rooms.Room", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()
    until = models.DateTimeField(null=True, blank=True, help_text="empty for a ban: for good")
    escalated = models.BooleanField(default=False, help_text="the next step of the default sanctions")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.CharField(max_length=200, blank=True)
    # An alert stays on the player's screen, at their next visit if they were
    # away, until they close it.
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.target} by {self.moderator}"


class RoomSanction(models.Model):
    """A moderator's action on a room."""

    class Action(models.TextChoices):
        KICK_ALL = "kick_all", "kick everyone"
        LOCK = "lock"
        RENAME = "rename", "rename as inappropriate"

    id = models.UUIDField(primary_key=True)
    room = models.ForeignKey("rooms.Room", on_delete=models.CASCADE, related_name="sanctions")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(max_length=200)
    previous_name = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} of {self.room_id} by {self.moderator}"


class Ticket(models.Model):
    """A call for help: open → picked (by whom) → closed with an outcome."""

    class About(models.TextChoices):
        PLAYER = "player"
        ROOM = "room"
        CHAT = "chat", "chat line"
        WORD = "word", "filtered word"

    class State(models.TextChoices):
        OPEN = "open"
        PICKED = "picked"
        CLOSED = "closed"

    class Outcome(models.TextChoices):
        RESOLVED = "resolved"
        USELESS = "useless"
        ABUSIVE = "abusive"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="reports",
        help_text="empty: opened by the word filter",
    )
    about = models.CharField(max_length=8, choices=About.choices)
    about_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="reported_in"
    )
    # No constraint: a word in a new room's name is reported before the rooms
    # consumer has made the room (another topic), and the ticket keeps its id.
    room = models.ForeignKey(
        "rooms.Room", on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    # Not a foreign key: the chat history is a read model that can be emptied and rebuilt.
    chat_line_id = models.UUIDField(null=True, blank=True)
    message = models.CharField(max_length=REPORT_MESSAGE_MAX, blank=True)
    quote = models.CharField(max_length=200, blank=True)
    private_quote = models.BooleanField(
        default=False, help_text="the quote is a whisper or a private message (chat.read_private_lines to read it)"
    )
    chat_lines = models.JSONField(default=list, help_text="the room's chat lines of that moment, oldest first")
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField()
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    picked_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    note = models.CharField(max_length=200, blank=True, help_text="what the reporter is told")

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["state", "created_at"]), models.Index(fields=["reporter", "outcome"])]

    def __str__(self) -> str:
        return f"ticket about {self.get_about_display()} ({self.state})"
