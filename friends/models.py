import uuid

from django.conf import settings
from django.db import models


class FriendRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        DECLINED = "declined"

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_requests")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="received_requests"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(sender=models.F("recipient")), name="no_request_to_self"),
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                condition=models.Q(status="pending"),
                name="one_pending_request_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient} ({self.status})"


class Friendship(models.Model):
    """One row per pair, stored with the lower user id first."""

    user_low = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user_high = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(user_low__lt=models.F("user_high")), name="friendship_ordered"),
            models.UniqueConstraint(fields=["user_low", "user_high"], name="one_friendship_per_pair"),
        ]
        # The unique constraint indexes user_low first; counting a player's friends needs user_high too.
        indexes = [models.Index(fields=["user_high"])]

    def __str__(self) -> str:
        return f"{self.user_low} & {self.user_high}"


class OfflineNotice(models.Model):
    """An e-mail sent to a player who was offline when a friend request came.
    One per event: a second delivery of the event sends nothing."""

    event_id = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offline_notices")
    email = models.EmailField()
    subject = models.CharField(max_length=200)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.subject} → {self.email}"


class PrivateMessage(models.Model):
    """A messenger line between two friends; its id is the event's id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_messages")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="received_messages"
    )
    text = models.CharField(max_length=255)
    sent_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sent_at"]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["sender", "recipient", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}: {self.text}"
