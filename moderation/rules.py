"""Who may sanction whom, and the default sanctions' ladder."""

from dataclasses import dataclass

from habbo.models import Rank, User


def rank_of(user: User) -> int:
    """A superuser is an administrator whatever their rank field says."""
    return Rank.ADMINISTRATOR if user.is_superuser else user.rank


def is_moderator(user: User) -> bool:
    return user.is_active and user.is_staff and rank_of(user) >= Rank.MODERATOR


def may_sanction(moderator: User, target: User) -> str | None:
    """Why `moderator` may not sanction `target`, or None if they may."""
    if not is_moderator(moderator):
        return "Only moderators and administrators can sanction players."
    if moderator.pk == target.pk:
        return "You cannot sanction yourself."
    if rank_of(target) > rank_of(moderator):
        return f"{target.username} is an {Rank(rank_of(target)).label}: a rank above yours."
    return None


def may_act_on_room(moderator: User, room) -> str | None:
    """Why `moderator` may not kick everyone from, lock or rename `room`, or None."""
    if not is_moderator(moderator):
        return "Only moderators and administrators can act on rooms."
    if rank_of(room.owner) > rank_of(moderator):
        return f"That room is an {Rank(rank_of(room.owner)).label}'s: a rank above yours."
    return None


@dataclass(frozen=True)
class Step:
    kind: str
    minutes: int | None

    def __str__(self) -> str:
        if self.kind == "alert":
            return "an alert"
        length = "for good" if self.minutes is None else (
            f"for {self.minutes // 60} h" if self.minutes < 48 * 60 else f"for {self.minutes // 1440} days")
        return f"a {self.kind} {length}"


# Habbo's default escalation: each sanction given as "the next step" goes one rung up.
LADDER = (Step("alert", None), Step("mute", 60), Step("ban", 24 * 60), Step("ban", 7 * 24 * 60), Step("ban", None))


def next_step(escalations_so_far: int) -> Step:
    return LADDER[min(escalations_so_far, len(LADDER) - 1)]
