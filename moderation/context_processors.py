from moderation.rules import is_moderator


def moderator(request) -> dict:
    """`is_moderator` in every template: who gets the staff tools (the server checks again)."""
    return {"is_moderator": is_moderator(request.user)}
