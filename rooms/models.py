import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from rooms.floorplan import FloorPlan

# Up to 200: event rooms hold a crowd (the 200-player benchmark is one such room).
MIN_CAPACITY, MAX_CAPACITY, DEFAULT_CAPACITY = 10, 200, 25


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
    player_count = models.PositiveIntegerField(default=0, help_text="Kept by the room stats consumer.")
    # The number of the room's change of who is in it that player_count is from (rooms.live).
    occupancy_seq = models.BigIntegerField(default=0, editable=False)
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
        return FloorPlan.parse(self.floor_plan, self.door_x, self.door_y)


class Item(models.Model):
    """A piece of furniture in the catalogue."""

    name = models.CharField(max_length=60, unique=True)
    price = models.PositiveIntegerField(help_text="In credits.")
    width = models.PositiveSmallIntegerField(default=1)
    length = models.PositiveSmallIntegerField(default=1)
    colour = models.CharField(max_length=7, default="#a16207")
    can_sit = models.BooleanField(default=False)
    can_walk_on = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RoomItem(models.Model):
    """A piece of furniture placed in a room."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    x = models.PositiveSmallIntegerField()
    y = models.PositiveSmallIntegerField()
    rotation = models.PositiveSmallIntegerField(default=0, choices=[(0, "0°"), (2, "90°"), (4, "180°"), (6, "270°")])

    def __str__(self) -> str:
        return f"{self.item} in {self.room} at ({self.x}, {self.y})"


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
