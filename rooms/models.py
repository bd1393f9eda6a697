import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from habbo.models import hex_colour
from rooms import floorplan
from rooms.floorplan import FloorPlan

ROTATIONS = (0, 2, 4, 6)


def validate_rotations(value: str) -> None:
    turns = value.split(",")
    if not turns or any(t not in {str(r) for r in ROTATIONS} for t in turns) or len(set(turns)) != len(turns):
        raise ValidationError("Give the turns as 0, 2, 4 or 6, comma-separated, each once.")


# Up to 500: event rooms hold a crowd (the benchmarks' one room of 500 is one; a busy room batches its frames, rooms.fanout).
MIN_CAPACITY, MAX_CAPACITY, DEFAULT_CAPACITY = 10, 500, 25
DEFAULT_WALLPAPER, DEFAULT_FLOOR = "#b6bccb", "#989865"


class Room(models.Model):
    # Chosen by whoever publishes room.created, so the event names its room.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=60, validators=[MinLengthValidator(3)])
    description = models.TextField(max_length=500, blank=True)
    capacity = models.PositiveSmallIntegerField(
        default=DEFAULT_CAPACITY, validators=[MinValueValidator(MIN_CAPACITY), MaxValueValidator(MAX_CAPACITY)]
    )
    floor_plan = models.TextField(help_text="Height map: one row a line, 'x' no tile, 0-9 tile height.")
    door_x = models.PositiveSmallIntegerField()
    door_y = models.PositiveSmallIntegerField()
    is_public = models.BooleanField(default=True)

    class Access(models.TextChoices):
        OPEN = "open", "open to everyone"
        DOORBELL = "doorbell", "ring the doorbell: someone with rights lets you in"
        LOCKED = "locked", "locked: only the owner and those with rights"

    access = models.CharField(max_length=8, choices=Access.choices, default=Access.OPEN)
    # The room's paint, as the client draws it (defaults: Habbo's new-room blue-grey walls, khaki floor).
    wallpaper = models.CharField(max_length=7, default=DEFAULT_WALLPAPER, validators=[hex_colour])
    floor = models.CharField(max_length=7, default=DEFAULT_FLOOR, validators=[hex_colour])
    player_count = models.PositiveIntegerField(default=0, help_text="Kept by the room stats consumer.")
    # The number of the room's change of who is in it that player_count is from (rooms.live).
    occupancy_seq = models.BigIntegerField(default=0, editable=False)
    # The number of the room's last furniture or rights change (rooms.furnishing): frames carry it.
    furni_seq = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=MIN_CAPACITY, capacity__lte=MAX_CAPACITY), name="room_capacity_range"
            )
        ]
        indexes = [models.Index(fields=["-player_count"]), models.Index(fields=["is_public", "-created_at"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("room", args=[self.id])

    @property
    def plan(self) -> FloorPlan:
        return floorplan.shared(self.floor_plan, self.door_x, self.door_y)


class Item(models.Model):
    """A kind of furniture: its footprint, height, what an avatar can do on
    it and how it may turn. What it costs is the catalogue's (economy.Offer)."""

    class Look(models.TextChoices):
        # How the renderer draws it (static/js/room/furniture.js); no copied artwork.
        CHAIR = "chair"
        SOFA = "sofa"
        BED = "bed"
        TABLE = "table"
        RUG = "rug"
        PLANT = "plant"
        LAMP = "lamp"
        DIVIDER = "divider"
        BLOCK = "block"
        SHELF = "shelf"

    name = models.CharField(max_length=60, unique=True)
    look = models.CharField(max_length=16, choices=Look.choices, default=Look.BLOCK)
    width = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(8)])
    length = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(8)])
    height = models.PositiveSmallIntegerField(
        default=100, validators=[MaxValueValidator(800)], help_text="In hundredths of a tile (a block is 100)."
    )
    colour = models.CharField(max_length=7, default="#a16207", validators=[hex_colour])
    can_sit = models.BooleanField(default=False)
    can_lay = models.BooleanField(default=False)
    can_walk_on = models.BooleanField(default=False)
    can_stack = models.BooleanField(default=False, help_text="Other furniture may be put on top of it.")
    rotations = models.CharField(
        max_length=7, default="0,2,4,6", validators=[validate_rotations],
        help_text="The turns it may take: 0, 2, 4 and 6 (eighths of a full turn), comma-separated.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Furni(models.Model):
    """One piece of furniture a player owns: in their inventory (no room) or
    placed in a room. It has exactly one owner at any time, changed only by
    an event applied once (a purchase, a trade)."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="furni")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="furni")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="items", null=True, blank=True)
    x = models.PositiveSmallIntegerField(default=0)
    y = models.PositiveSmallIntegerField(default=0)
    rotation = models.PositiveSmallIntegerField(default=0, choices=[(0, "0°"), (2, "90°"), (4, "180°"), (6, "270°")])
    z = models.PositiveIntegerField(default=0, help_text="Hundredths of a tile above the floor: what it stands on.")
    created_at = models.DateTimeField(default=timezone.now)
    origin = models.CharField(max_length=60, blank=True, help_text="What made it, e.g. purchase:<id> (audited).")

    class Meta:
        verbose_name_plural = "furni"
        indexes = [models.Index(fields=["owner", "room"])]

    def __str__(self) -> str:
        return f"{self.item} in {self.room}" if self.room_id else f"{self.item} of {self.owner}"


class RoomRight(models.Model):
    """A player the owner lets place furniture in the room (room.rights_changed)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="rights")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_rights")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="room_right_once")]

    def __str__(self) -> str:
        return f"{self.user} in {self.room}"


class Trade(models.Model):
    """A trade both players confirmed, as the furniture consumer applied it (trade.agreed)."""

    class Status(models.TextChoices):
        COMPLETED = "completed"
        REFUSED = "refused"

    id = models.UUIDField(primary_key=True, help_text="The swap's id (trade.agreed's trade_id).")
    room = models.ForeignKey(Room, on_delete=models.SET_NULL, null=True, related_name="trades")
    first = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    second = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    first_gave = models.JSONField(help_text="Piece ids the first player gave.")
    second_gave = models.JSONField(help_text="Piece ids the second player gave.")
    status = models.CharField(max_length=16, choices=Status.choices)
    reason = models.CharField(max_length=32, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.first} ⇄ {self.second} ({self.status})"


class Visit(models.Model):
    """Who was in which room, from when to when (kept by the visit-log consumer)."""

    id = models.UUIDField(primary_key=True, help_text="The visit id carried by room.user_entered/left.")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="visits")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visits")
    entered_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-entered_at"]
        indexes = [models.Index(fields=["room", "-entered_at"]), models.Index(fields=["user", "-entered_at"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.room}"
