from chat.models import ChatLine

# The version token (habbo.versions) of what processes keep of a room's
# recent lines: replaced when a line is stored (chat.services).
RECENT_LINES = "room-chat"


def recent_lines(room_id, limit: int = 20) -> list[dict]:
    """The room's last public lines, oldest first, as the room socket sends them."""
    lines = (
        ChatLine.objects.filter(room_id=room_id)
        .exclude(kind=ChatLine.Kind.WHISPER)
        .select_related("user")
        .order_by("-said_at")[:limit]
    )
    return [
        {"id": str(line.pk), "user": line.user_id, "name": line.user.username, "kind": line.kind, "text": line.text,
         "at": int(line.said_at.timestamp() * 1000)}
        for line in reversed(lines)
    ]
