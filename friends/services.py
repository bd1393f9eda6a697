"""Friend rules. Views publish requests (answering once Kafka has them); the
friends consumer applies them here, where the rules a player expects hold:
no request to yourself, none while one is pending or you are already friends,
requests crossing each other make a friendship, at most FRIEND_LIMIT friends,
a decline or a removal is final for that request."""

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from pydantic import ValidationError

from friends.events import MESSAGE_MAX, FriendAccepted, FriendDeclined, FriendRemoved, FriendRequested, MessageSent
from friends.models import FriendRequest, Friendship, OfflineNotice, PrivateMessage
from friends.presence import status_of
from habbo.bus.events import InvalidEvent
from habbo.bus.producer import publish
from habbo.bus.push import push_on_commit, user_group
from habbo.models import User
from habbo.presence import is_online

FRIEND_LIMIT = 300
# The consumer loop already holds a transaction per event: join it without a
# savepoint (two round trips less); any error still rolls the whole event back.
applied_in_the_event_transaction = transaction.atomic(savepoint=False)
PENDING = FriendRequest.Status.PENDING


class FriendActionRefused(Exception):
    """A request a view can refuse at once, with a message for the player."""


def are_friends(a: int, b: int) -> bool:
    return Friendship.objects.filter(user_low=min(a, b), user_high=max(a, b)).exists()


def at_friend_limit(a: int, b: int) -> bool:
    """Whether either player has FRIEND_LIMIT friends already (one query)."""
    counts = Friendship.objects.aggregate(
        a=Count("pk", filter=Q(user_low=a) | Q(user_high=a)), b=Count("pk", filter=Q(user_low=b) | Q(user_high=b))
    )
    return max(counts["a"], counts["b"]) >= FRIEND_LIMIT


def _card(user: User) -> dict:
    return {"id": user.pk, "name": user.username, "figure": user.figure}


def _card_with_status(user: User) -> dict:
    return _card(user) | status_of(user.pk)


def _notify(user_id: int, kind: str, **data) -> None:
    push_on_commit(user_group(user_id), {"type": "user.notify", "kind": kind, "data": data})


# -- what players ask for (publish, answer once Kafka acknowledged) -------------


def friend_request_send(*, sender: User, username: str) -> None:
    recipient = User.objects.filter(username__iexact=username.strip()).first()
    if recipient is None:
        raise FriendActionRefused(f"There is no player called {username!r}.")
    if recipient.pk == sender.pk:
        raise FriendActionRefused("You cannot send a friend request to yourself.")
    if are_friends(sender.pk, recipient.pk):
        raise FriendActionRefused(f"You and {recipient.username} are already friends.")
    if FriendRequest.objects.filter(sender=sender, recipient=recipient, status=PENDING).exists():
        raise FriendActionRefused(f"Your request to {recipient.username} is still waiting.")
    publish(FriendRequested(sender_id=sender.pk, recipient_id=recipient.pk), actor=sender.pk)


def friend_request_answer(*, user: User, request_id: int, accept: bool) -> None:
    request = FriendRequest.objects.filter(pk=request_id, recipient=user).first()
    if request is None:
        raise FriendActionRefused("There is no such friend request for you.")
    if request.status != PENDING:
        raise FriendActionRefused("You have already answered that request.")
    event_class = FriendAccepted if accept else FriendDeclined
    publish(event_class(sender_id=request.sender_id, recipient_id=user.pk, request_id=request.pk), actor=user.pk)


def friend_remove(*, user: User, friend_id: int) -> None:
    if not are_friends(user.pk, friend_id):
        raise FriendActionRefused("That player is not your friend.")
    publish(FriendRemoved(sender_id=user.pk, recipient_id=friend_id), actor=user.pk)


# -- applying the events (the friends consumer) ---------------------------------


def _players(event, actor_id: int | None, acting: int) -> tuple[User, User]:
    if actor_id != acting:
        raise InvalidEvent(f"user {actor_id} cannot act for user {acting}")
    players = {u.pk: u for u in User.objects.filter(pk__in=[event.sender_id, event.recipient_id])}
    if len(players) != 2:
        raise InvalidEvent("unknown player")
    return players[event.sender_id], players[event.recipient_id]


def _befriend(request: FriendRequest, sender: User, recipient: User) -> None:
    request.status = FriendRequest.Status.ACCEPTED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    Friendship.objects.get_or_create(user_low_id=min(sender.pk, recipient.pk), user_high_id=max(sender.pk, recipient.pk))
    _notify(sender.pk, "friend.accepted", friend=_card_with_status(recipient))
    _notify(recipient.pk, "friend.accepted", friend=_card_with_status(sender))


def _refuse(user_id: int, message: str) -> None:
    _notify(user_id, "friend.refused", message=message)


@applied_in_the_event_transaction
def apply_requested(*, event: FriendRequested, actor_id: int | None) -> None:
    sender, recipient = _players(event, actor_id, event.sender_id)
    if are_friends(sender.pk, recipient.pk):
        return _refuse(sender.pk, f"You and {recipient.username} are already friends.")
    crossing = (
        FriendRequest.objects.select_for_update()
        .filter(sender=recipient, recipient=sender, status=PENDING)
        .first()
    )
    if crossing:  # both asked: that is a yes
        return _befriend(crossing, recipient, sender)
    if FriendRequest.objects.filter(sender=sender, recipient=recipient, status=PENDING).exists():
        return _refuse(sender.pk, f"Your request to {recipient.username} is still waiting.")
    if at_friend_limit(sender.pk, recipient.pk):
        return _refuse(sender.pk, f"One of you already has {FRIEND_LIMIT} friends.")
    request = FriendRequest.objects.create(sender=sender, recipient=recipient)
    _notify(recipient.pk, "friend.requested", request={"id": request.pk, "from": _card(sender)})
    _notify(sender.pk, "friend.request_sent", to=_card(recipient))


def _pending(event, sender: User, recipient: User) -> FriendRequest | None:
    request = (
        FriendRequest.objects.select_for_update()
        .filter(pk=event.request_id, sender=sender, recipient=recipient)
        .first()
    )
    if request is None:
        raise InvalidEvent(f"no request {event.request_id} from {sender.pk} to {recipient.pk}")
    if request.status != PENDING:
        _refuse(recipient.pk, "You have already answered that request.")
        return None
    return request


@applied_in_the_event_transaction
def apply_accepted(*, event: FriendAccepted, actor_id: int | None) -> None:
    sender, recipient = _players(event, actor_id, event.recipient_id)
    request = _pending(event, sender, recipient)
    if request is None:
        return
    if at_friend_limit(sender.pk, recipient.pk):
        return _refuse(recipient.pk, f"One of you already has {FRIEND_LIMIT} friends.")
    _befriend(request, sender, recipient)


@applied_in_the_event_transaction
def apply_declined(*, event: FriendDeclined, actor_id: int | None) -> None:
    sender, recipient = _players(event, actor_id, event.recipient_id)
    request = _pending(event, sender, recipient)
    if request is None:
        return
    request.status = FriendRequest.Status.DECLINED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    _notify(recipient.pk, "friend.declined", request={"id": request.pk})


@applied_in_the_event_transaction
def apply_removed(*, event: FriendRemoved, actor_id: int | None) -> None:
    user, friend = _players(event, actor_id, event.sender_id)
    deleted, _ = Friendship.objects.filter(user_low=min(user.pk, friend.pk), user_high=max(user.pk, friend.pk)).delete()
    if deleted:
        _notify(user.pk, "friend.removed", friend={"id": friend.pk})
        _notify(friend.pk, "friend.removed", friend={"id": user.pk})


@transaction.atomic
def notify_offline(*, event: FriendRequested, event_id, sync_redis) -> OfflineNotice | None:
    """E-mail the recipient of a friend request if they are offline (and have an address).

    The mail is sent inside the transaction that records it: if sending fails
    nothing is recorded and the event is tried again; sent and recorded, a
    second delivery finds the record and sends nothing.
    """
    recipient = User.objects.filter(pk=event.recipient_id).first()
    sender = User.objects.filter(pk=event.sender_id).first()
    if not recipient or not sender or not recipient.email or is_online(sync_redis, recipient.pk):
        return None
    if are_friends(sender.pk, recipient.pk) or OfflineNotice.objects.filter(event_id=event_id).exists():
        return None
    subject = f"{sender.username} wants to be your friend at the hotel"
    notice = OfflineNotice.objects.create(event_id=event_id, user=recipient, email=recipient.email, subject=subject)
    send_mail(
        subject,
        f"Hello {recipient.username},\n\n{sender.username} sent you a friend request. "
        "Log in to accept or decline it.\n",
        None,
        [recipient.email],
    )
    return notice


# -- the messenger ----------------------------------------------------------------


def message_send(*, sender: User, friend_id: int, text: str) -> None:
    """Publish a private message to a friend; raises FriendActionRefused."""
    if not are_friends(sender.pk, friend_id):
        raise FriendActionRefused("You can only send messages to your friends.")
    try:
        event = MessageSent(sender_id=sender.pk, recipient_id=friend_id, text=text)
    except ValidationError:
        raise FriendActionRefused(f"A message is 1 to {MESSAGE_MAX} characters of text.") from None
    publish(event, actor=sender.pk)


def _message_card(message: PrivateMessage) -> dict:
    return {
        "id": str(message.pk),
        "from": {"id": message.sender_id, "name": message.sender.username},
        "to": message.recipient_id,
        "text": message.text,
        "at": int(message.sent_at.timestamp() * 1000),
    }


@applied_in_the_event_transaction
def apply_message(*, event: MessageSent, message_id, sent_at, actor_id: int | None) -> None:
    sender, recipient = _players(event, actor_id, event.sender_id)
    if not are_friends(sender.pk, recipient.pk):
        return _refuse(sender.pk, f"Your message to {recipient.username} was not sent: you are not friends.")
    message, created = PrivateMessage.objects.get_or_create(
        id=message_id, defaults={"sender": sender, "recipient": recipient, "text": event.text, "sent_at": sent_at}
    )
    if created:
        card = _message_card(message)
        _notify(recipient.pk, "message.received", message=card)
        _notify(sender.pk, "message.sent", message=card)


def conversation_read(*, user: User, friend_id: int) -> list[PrivateMessage]:
    """The whole conversation, oldest first; what was waiting for `user` is now read."""
    PrivateMessage.objects.filter(sender_id=friend_id, recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return list(
        PrivateMessage.objects.filter(
            Q(sender=user, recipient_id=friend_id) | Q(sender_id=friend_id, recipient=user)
        ).select_related("sender")
    )
