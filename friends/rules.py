"""The friend rules, applied by the friends consumer to a batch of events.

A FriendBook loads, in a handful of queries whatever the batch size, what the
rules need about every player the batch names: the players (locked, so two
consumer processes never both pass the friend limit), their friendships,
friend counts and requests. The events then change the book in memory, in
order, so a batch gives exactly what one event at a time would; `save()`
writes the changes in bulk and pushes every outcome after the commit.

The rules a player expects: no request to yourself (the event refuses it),
none while one is pending or you are already friends, requests crossing each
other make a friendship, at most FRIEND_LIMIT friends, a decline or a removal
is final for that request.
"""

from collections import Counter
from collections.abc import Callable

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from friends.events import FriendAccepted, FriendDeclined, FriendRemoved, FriendRequested
from friends.models import FriendRequest, Friendship
from friends.presence import statuses_of
from habbo.bus.events import Envelope, Event, InvalidEvent
from habbo.bus.push import notify_on_commit
from habbo.models import User

FRIEND_LIMIT = 300
PENDING = FriendRequest.Status.PENDING
Pair = tuple[int, int]


def pair(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def card(user: User) -> dict:
    return {"id": user.pk, "name": user.username, "figure": user.figure}


def check_actor(actor_id: int | None, acting: int) -> None:
    if actor_id != acting:
        raise InvalidEvent(f"user {actor_id} cannot act for user {acting}")


def _for_pairs(model, first: str, second: str, pairs: set[Pair]):
    """The rows whose (first, second) is one of `pairs`: exactly those, in one
    query. A row-value IN is not in the ORM, and the ORM's alternatives (an
    OR per pair, or first IN … AND second IN …) cost far more for a batch."""
    if not pairs:
        return []
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in (first, second))
    values = ", ".join(["(%s, %s)"] * len(pairs))
    return model.objects.raw(
        f"SELECT * FROM {quote(model._meta.db_table)} WHERE ({columns}) IN (VALUES {values})",
        [v for p in pairs for v in p],
    )


class FriendBook:
    def __init__(self, events: list[Event]):
        ids = {i for e in events for i in (e.sender_id, e.recipient_id)}
        pairs = {pair(e.sender_id, e.recipient_id) for e in events}
        request_ids = {e.request_id for e in events if isinstance(e, FriendAccepted | FriendDeclined)}
        # NO KEY: rows that merely reference these players (chat lines, messages,
        # visits, written by other consumers) must not wait for it, nor deadlock.
        self.users = {
            u.pk: u for u in User.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
        }
        self.friendships = {
            (f.user_low_id, f.user_high_id) for f in _for_pairs(Friendship, "user_low", "user_high", pairs)
        }
        self.friend_count = Counter()
        for side in ("user_low", "user_high"):
            counts = Friendship.objects.filter(**{f"{side}__in": ids}).values(side).annotate(n=Count("pk"))
            self.friend_count.update({row[side]: row["n"] for row in counts})
        both_ways = pairs | {(b, a) for a, b in pairs}
        pending = [r for r in _for_pairs(FriendRequest, "sender", "recipient", both_ways) if r.status == PENDING]
        self.pending = {(r.sender_id, r.recipient_id): r for r in pending}
        self.requests = {r.pk: r for r in pending}
        # One object per row, so a change made through either map is seen by both.
        self.requests |= FriendRequest.objects.in_bulk(request_ids - self.requests.keys())
        self._created: list[FriendRequest] = []
        self._decided: dict[int, FriendRequest] = {}
        self._unfriended: set[Pair] = set()
        self._befriended: set[Pair] = set()
        # (user id, kind, data): data may be a callable, evaluated once the rows are written.
        self._notices: list[tuple[int, str, dict | Callable[[], dict]]] = []

    # -- the events ----------------------------------------------------------

    def apply(self, event: Event, actor_id: int | None) -> None:
        match event:
            case FriendRequested():
                self.requested(event, actor_id)
            case FriendAccepted():
                self.accepted(event, actor_id)
            case FriendDeclined():
                self.declined(event, actor_id)
            case FriendRemoved():
                self.removed(event, actor_id)
            case _:
                raise InvalidEvent(f"not a friend event: {event.TYPE}")

    def requested(self, event: FriendRequested, actor_id: int | None) -> None:
        sender, recipient = self._players(event, actor_id, event.sender_id)
        if pair(sender.pk, recipient.pk) in self.friendships:
            return self._refuse(sender.pk, f"You and {recipient.username} are already friends.")
        crossing = self.pending.get((recipient.pk, sender.pk))
        if crossing:  # both asked: that is a yes
            return self._befriend(crossing)
        if (sender.pk, recipient.pk) in self.pending:
            return self._refuse(sender.pk, f"Your request to {recipient.username} is still waiting.")
        if self._at_limit(sender.pk, recipient.pk):
            return self._refuse(sender.pk, f"One of you already has {FRIEND_LIMIT} friends.")
        request = FriendRequest(sender=sender, recipient=recipient)
        self._created.append(request)
        self.pending[(sender.pk, recipient.pk)] = request
        self._notice(recipient.pk, "friend.requested", lambda: {"request": {"id": request.pk, "from": card(sender)}})
        self._notice(sender.pk, "friend.request_sent", {"to": card(recipient)})

    def accepted(self, event: FriendAccepted, actor_id: int | None) -> None:
        request = self._answered(event, actor_id)
        if request is None:
            return
        if self._at_limit(request.sender_id, request.recipient_id):
            return self._refuse(request.recipient_id, f"One of you already has {FRIEND_LIMIT} friends.")
        self._befriend(request)

    def declined(self, event: FriendDeclined, actor_id: int | None) -> None:
        request = self._answered(event, actor_id)
        if request is None:
            return
        self._decide(request, FriendRequest.Status.DECLINED)
        self._notice(request.recipient_id, "friend.declined", {"request": {"id": request.pk}})

    def removed(self, event: FriendRemoved, actor_id: int | None) -> None:
        user, friend = self._players(event, actor_id, event.sender_id)
        key = pair(user.pk, friend.pk)
        if key not in self.friendships:
            return
        self.friendships.discard(key)
        if key in self._befriended:
            self._befriended.discard(key)
        else:
            self._unfriended.add(key)
        self.friend_count.subtract([user.pk, friend.pk])
        self._notice(user.pk, "friend.removed", {"friend": {"id": friend.pk}})
        self._notice(friend.pk, "friend.removed", {"friend": {"id": user.pk}})

    # -- writing ---------------------------------------------------------------

    def save(self) -> None:
        """Write every change in bulk; push the outcomes once committed."""
        # Decisions first: a declined request and a new one for the same pair
        # must not both be pending in the table, even for a moment.
        FriendRequest.objects.bulk_update(list(self._decided.values()), ["status", "decided_at"])
        FriendRequest.objects.bulk_create(self._created)
        if self._unfriended:
            gone = Q()
            for low, high in self._unfriended:
                gone |= Q(user_low=low, user_high=high)
            Friendship.objects.filter(gone).delete()
        Friendship.objects.bulk_create(
            [Friendship(user_low_id=low, user_high_id=high) for low, high in self._befriended]
        )
        for user_id, kind, data in self._notices:
            notify_on_commit(user_id, kind, data() if callable(data) else data)

    # -- helpers ---------------------------------------------------------------

    def _players(self, event: Event, actor_id: int | None, acting: int) -> tuple[User, User]:
        check_actor(actor_id, acting)
        sender, recipient = self.users.get(event.sender_id), self.users.get(event.recipient_id)
        if sender is None or recipient is None:
            raise InvalidEvent("unknown player")
        return sender, recipient

    def _answered(self, event: FriendAccepted | FriendDeclined, actor_id: int | None) -> FriendRequest | None:
        """The pending request the recipient answers, or None (refused: already answered)."""
        sender, recipient = self._players(event, actor_id, event.recipient_id)
        request = self.requests.get(event.request_id)
        if request is None or (request.sender_id, request.recipient_id) != (sender.pk, recipient.pk):
            raise InvalidEvent(f"no request {event.request_id} from {sender.pk} to {recipient.pk}")
        if request.status != PENDING:
            self._refuse(recipient.pk, "You have already answered that request.")
            return None
        return request

    def _at_limit(self, a: int, b: int) -> bool:
        return max(self.friend_count[a], self.friend_count[b]) >= FRIEND_LIMIT

    def _decide(self, request: FriendRequest, status: FriendRequest.Status) -> None:
        request.status = status
        request.decided_at = timezone.now()
        del self.pending[(request.sender_id, request.recipient_id)]
        if request.pk is not None:
            self._decided[request.pk] = request

    def _befriend(self, request: FriendRequest) -> None:
        self._decide(request, FriendRequest.Status.ACCEPTED)
        sender, recipient = request.sender_id, request.recipient_id
        key = pair(sender, recipient)
        if key not in self.friendships:  # (a request left pending by older data may meet one)
            self.friendships.add(key)
            if key in self._unfriended:
                self._unfriended.discard(key)
            else:
                self._befriended.add(key)
            self.friend_count.update([sender, recipient])

        def friend(user_id: int) -> Callable[[], dict]:
            return lambda: {"friend": card(self.users[user_id]) | statuses_of([user_id])[user_id]}

        self._notice(sender, "friend.accepted", friend(recipient))
        self._notice(recipient, "friend.accepted", friend(sender))

    def _refuse(self, user_id: int, message: str) -> None:
        self._notice(user_id, "friend.refused", {"message": message})

    def _notice(self, user_id: int, kind: str, data: dict | Callable[[], dict]) -> None:
        self._notices.append((user_id, kind, data))


def apply_friend_events(items: list[tuple[Event, Envelope]]) -> None:
    """Apply a batch of friend events in order (inside the caller's transaction)."""
    book = FriendBook([event for event, _ in items])
    for event, envelope in items:
        book.apply(event, envelope.actor)
    book.save()
