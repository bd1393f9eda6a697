import uuid

from django.conf import settings
from django.db import models

MAX_LINE = 100
# Whispers and private messages are read in the admin only by staff with this permission.
READ_PRIVATE_LINES = "chat.read_private_lines"


class ChatLine(models.Model):
    class Kind(models.TextChoices):
        SAY = "say"
        SHOUT = "shout"
        WHISPER = "whisper"

    # The id of the chat event that carried the line: storing it twice is impossible.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    room = models.ForeignKey("rooms.Room", on_delete=models.CASCADE, related_name="chat_lines")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_lines")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SAY)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.CharField(max_length=MAX_LINE)
    said_at = models.DateTimeField()

    class Meta:
        ordering = ["-said_at"]
        indexes = [models.Index(fields=["room", "-said_at"]), models.Index(fields=["user", "-said_at"])]
        permissions = [("read_private_lines", "Can read whispers and private messages")]

    def __str__(self) -> str:
        return f"{self.user}: {self.text}"
