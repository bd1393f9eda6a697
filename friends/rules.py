"""The friend rules, applied by the friends consumer to a batch of events.

A FriendBook loads, in four queries whatever the batch size, what the
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
from django.utils import timezone

from friends import friend_cache, pushes
from friends.events import FriendAccepted, FriendDeclined, FriendRemoved, FriendRequested
from friends.models import FriendRequest, Friendship
from friends.presence import statuses_of
from habbo.bus.events import Envelope, Event, InvalidEvent, check_actor
from habbo.bus.push import Notice, notify_on_commit
from habbo.models import User

FRIEND_LIMIT = 300
PENDING = FriendRequest.Status.PENDING
Pair = tuple[int, int]


def pair(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def card(user: User) -> dict:
    return {"id": user.pk, "name": user.username, "figure": user.figure}


def sql_table(model) -> str:
    """A model's table name, quoted for plain SQL."""
    return connection.ops.quote_name(model._meta.db_table)


def _marks(count: int, row: str = "%s") -> str:
    return ", ".join([row] * count)


class FriendBook:
    # The reads are plain SQL on one cursor: for the small batches a live
    # hotel makes, building the same queries with the ORM cost more CPU than
    # everything else the consumer does (bench/README.md). A row-value IN
    # selects exactly the batch's pairs; the ORM has no such lookup.
    _USER_FIELDS = ["id", "username", *User.FIGURE_FIELDS]
    _REQUEST_FIELDS = ["id", "sender_id", "recipient_id", "status"]

    def __init__(self, events: list[Event]):
        ids = sorted({i for e in events for i in (e.sender_id, e.recipient_id)})
        pairs = {pair(e.sender_id, e.recipient_id) for e in events}
        both_ways = pairs | {(b, a) for a, b in pairs}
        request_ids = sorted({e.request_id for e in events if isinstance(e, FriendAccepted | FriendDeclined)})
        friendship, request = sql_table(Friendship), sql_table(FriendRequest)
        # NO KEY: rows that merely reference these players (chat lines, messages,
        # visits, written by other consumers) must not wait for it, nor deadlock.
        lock = " FOR NO KEY UPDATE" if connection.features.has_select_for_no_key_update else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(self._USER_FIELDS)} FROM {sql_table(User)} "
                f"WHERE id IN ({_marks(len(ids))}) ORDER BY id{lock}",
                ids,
            )
            self.users = {row[0]: User.from_db(None, self._USER_FIELDS, row) for row in cursor.fetchall()}
            cursor.execute(
                f"SELECT user_low_id, user_high_id FROM {friendship} "
                f"WHERE (user_low_id, user_high_id) IN (VALUES {_marks(len(pairs), '(%s, %s)')})",
                [v for p in pairs for v in p],
            )
            self.friendships: set[Pair] = set(cursor.fetchall())
            cursor.execute(
                f"SELECT id, COUNT(*) FROM (SELECT user_low_id AS id FROM {friendship} WHERE user_low_id IN ({_marks(len(ids))}) "
                f"UNION ALL SELECT user_high_id FROM {friendship} WHERE user_high_id IN ({_marks(len(ids))})) AS sides "
                "GROUP BY id",
                ids + ids,
            )
            self.friend_count = Counter(dict(cursor.fetchall()))
            answered = f" OR id IN ({_marks(len(request_ids))})" if request_ids else ""
            cursor.execute(
                f"SELECT {', '.join(self._REQUEST_FIELDS)} FROM {request} WHERE (status = %s AND "
                f"(sender_id, recipient_id) IN (VALUES {_marks(len(both_ways), '(%s, %s)')})){answered}",
                [PENDING, *(v for p in both_ways for v in p), *request_ids],
            )
            # One object per row, so a change made through either map is seen by both.
            self.requests = {
                row[0]: FriendRequest.from_db(None, self._REQUEST_FIELDS, row) for row in cursor.fetchall()
            }
        self.pending = {(r.sender_id, r.recipient_id): r for r in self.requests.values() if r.status == PENDING}
        self._created: list[FriendRequest] = []
        self._decided: dict[int, FriendRequest] = {}
        self._unfriended: set[Pair] = set()
        self._befriended: set[Pair] = set()
        # (user id, notice): a callable makes the notice once the rows are written.
        self._notices: list[tuple[int, Notice | Callable[[], Notice]]] = []

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
        self._notice(recipient.pk, lambda: pushes.FriendRequested(request={"id": request.pk, "from": card(sender)}))
        self._notice(sender.pk, pushes.FriendRequestSent(to=card(recipient)))

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
        self._notice(request.recipient_id, pushes.FriendDeclined(request={"id": request.pk}))

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
        self._notice(user.pk, pushes.FriendRemoved(friend={"id": friend.pk}))
        self._notice(friend.pk, pushes.FriendRemoved(friend={"id": user.pk}))

    # -- writing ---------------------------------------------------------------

    def save(self) -> None:
        """Write every change in bulk; push the outcomes once committed."""
        # Decisions first: a declined request and a new one for the same pair
        # must not both be pending in the table, even for a moment.
        FriendRequest.objects.bulk_update(list(self._decided.values()), ["status", "decided_at"])
        FriendRequest.objects.bulk_create(self._created)
        if self._unfriended:
            # Plain SQL: with friend_cache's post_delete receiver, delete() would
            # fetch every row first to send its signal; the players are told below.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {sql_table(Friendship)} WHERE (user_low_id, user_high_id) "
                    f"IN (VALUES {_marks(len(self._unfriended), '(%s, %s)')})",
                    [v for p in self._unfriended for v in p],
                )
        Friendship.objects.bulk_create(
            [Friendship(user_low_id=low, user_high_id=high) for low, high in self._befriended]
        )
        # Bulk writes send no signals: both players of every pair changed, at once.
        friend_cache.changed(*{user_id for p in self._unfriended | self._befriended for user_id in p})
        for user_id, notice in self._notices:
            notify_on_commit(user_id, notice() if callable(notice) else notice)

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

        def friend(user_id: int) -> Callable[[], Notice]:
            return lambda: pushes.FriendAccepted(friend=card(self.users[user_id]) | statuses_of([user_id])[user_id])

        self._notice(sender, friend(recipient))
        self._notice(recipient, friend(sender))

    def _refuse(self, user_id: int, message: str) -> None:
        self._notice(user_id, pushes.FriendRefused(message=message))

    def _notice(self, user_id: int, notice: Notice | Callable[[], Notice]) -> None:
        self._notices.append((user_id, notice))


def apply_friend_events(items: list[tuple[Event, Envelope]]) -> None:
    """Apply a batch of friend events in order (inside the caller's transaction)."""
    book = FriendBook([event for event, _ in items])
    for event, envelope in items:
        book.apply(event, envelope.actor)
    book.save()
