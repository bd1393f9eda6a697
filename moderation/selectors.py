"""Reads for moderators."""

from django.utils import timezone

from habbo.models import Rank, User
from habbo.restrictions import banned_now
from moderation.models import Sanction
from moderation.rules import next_step, rank_of

HISTORY_SHOWN = 5


def _in_force(until) -> str | None:
    return until.isoformat() if until and until > timezone.now() else None


def escalations(target: User) -> int:
    """How many of the default sanctions' steps the player has had."""
    return Sanction.objects.filter(target=target, escalated=True).count()


def moderation_card(user: User) -> dict:
    sanctions = Sanction.objects.filter(target=user).select_related("moderator")
    return {
        "id": user.pk,
        "username": user.username,
        "rank": Rank(rank_of(user)).label,
        "muted_until": _in_force(user.muted_until),
        "trade_locked_until": _in_force(user.trade_locked_until),
        "banned": banned_now(user),
        "next_step": str(next_step(escalations(user))),
        "sanctions": [
            {"kind": s.get_kind_display(), "reason": s.reason, "by": s.moderator.username,
             "at": s.created_at.isoformat(), "until": s.until.isoformat() if s.until else None,
             "lifted": s.lifted_at is not None}
            for s in sanctions[:HISTORY_SHOWN]
        ],
    }
