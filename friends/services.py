"""What players ask for: views call these, they check what can be refused at
once and publish (answering once Kafka has the event). The friends consumer
applies the events with friends.rules; the messenger and the notifications
consumers apply theirs here."""

from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from pydantic import ValidationError

from friends import pushes
from friends.events import MESSAGE_MAX, FriendAccepted, FriendDeclined, FriendRemoved, FriendRequested, MessageSent
from friends.models import FriendRequest, Friendship, OfflineNotice, PrivateMessage
from friends.rules import pair, sql_table
from habbo.bus.events import InvalidEvent, check_actor
from habbo.bus.producer import publish
from habbo.bus.push import notify_on_commit
from habbo.models import User
from habbo.presence import is_online
from habbo.restrictions import time_left
from habbo.wordfilter import censor, report_word

# The consumer loop already holds the batch's transaction: join it without a
# savepoint (two round trips less); any error still rolls the batch back.
applied_in_the_batch_transaction = transaction.atomic(savepoint=False)
PENDING = FriendRequest.Status.PENDING


class FriendActionRefused(Exception):
    """A request a view can refuse at once, with a message for the player."""


def are_friends(a: int, b: int) -> bool:
    low, high = pair(a, b)
    return Friendship.objects.filter(user_low=low, user_high=high).exists()


# -- what players ask for (publish, answer once Kafka acknowledged) -------------


def friend_request_send(*, sender: User, username: str) -> None:
    if not username.strip():
        raise FriendActionRefused("Type the name of the player you want to add.")
    recipient_id, recipient_name, friends, waiting = _request_target(sender.pk, username.strip())
    if recipient_id is None:
        raise FriendActionRefused(f"There is no player called {username!r}.")
    if recipient_id == sender.pk:
        raise FriendActionRefused("You cannot send a friend request to yourself.")
    if friends:
        raise FriendActionRefused(f"You and {recipient_name} are already friends.")
    if waiting:
        raise FriendActionRefused(f"Your request to {recipient_name} is still waiting.")
    publish(FriendRequested(sender_id=sender.pk, recipient_id=recipient_id), actor=sender.pk)


def _request_target(sender_id: int, name: str) -> tuple[int | None, str, bool, bool]:
    """The player called `name` (any case), whether they and the sender are
    friends, and whether the sender's request to them is pending: one query
    (UPPER(username) is the indexed expression). Built with the ORM these were
    three queries and most of a request's CPU."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT u.id, u.username,
                EXISTS (SELECT 1 FROM {sql_table(Friendship)} f
                        WHERE (f.user_low_id = %s AND f.user_high_id = u.id)
                           OR (f.user_low_id = u.id AND f.user_high_id = %s)),
                EXISTS (SELECT 1 FROM {sql_table(FriendRequest)} r
                        WHERE r.sender_id = %s AND r.recipient_id = u.id AND r.status = %s)
            FROM {sql_table(User)} u WHERE UPPER(u.username) = UPPER(%s) ORDER BY u.id LIMIT 1""",
            [sender_id, sender_id, sender_id, PENDING, name],
        )
        row = cursor.fetchone()
    return tuple(row) if row else (None, "", False, False)


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
    if sender.muted_until and sender.muted_until > timezone.now():
        raise FriendActionRefused(f"A moderator muted you: {time_left(sender.muted_until)} left.")
    if not are_friends(sender.pk, friend_id):
        raise FriendActionRefused("You can only send messages to your friends.")
    try:
        event = MessageSent(sender_id=sender.pk, recipient_id=friend_id, text=text)
    except ValidationError:
        raise FriendActionRefused(f"A message is 1 to {MESSAGE_MAX} characters of text.") from None
    censored = censor(event.text, max_length=MESSAGE_MAX)
    publish(event.model_copy(update={"text": censored.text}), actor=sender.pk)
    report_word(censored, writer_id=sender.pk, private=True)


def message_card(message: PrivateMessage) -> dict:
    return {
        "id": str(message.pk),
        "from": {"id": message.sender_id, "name": message.sender.username},
        "to": message.recipient_id,
        "text": message.text,
        "at": int(message.sent_at.timestamp() * 1000),
    }


@applied_in_the_batch_transaction
def apply_message(*, event: MessageSent, message_id, sent_at, actor_id: int | None) -> None:
    check_actor(actor_id, event.sender_id)
    players = User.objects.in_bulk([event.sender_id, event.recipient_id])
    if len(players) != 2:
        raise InvalidEvent("unknown player")
    sender, recipient = players[event.sender_id], players[event.recipient_id]
    if not are_friends(sender.pk, recipient.pk):
        refusal = f"Your message to {recipient.username} was not sent: you are not friends."
        return notify_on_commit(sender.pk, pushes.FriendRefused(message=refusal))
    message, created = PrivateMessage.objects.get_or_create(
        id=message_id, defaults={"sender": sender, "recipient": recipient, "text": event.text, "sent_at": sent_at}
    )
    if created:
        card = message_card(message)
        notify_on_commit(recipient.pk, pushes.MessageReceived(message=card))
        notify_on_commit(sender.pk, pushes.MessageSent(message=card))


def conversation_read(*, user: User, friend_id: int) -> list[PrivateMessage]:
    """The whole conversation, oldest first; what was waiting for `user` is
    now read. Raises FriendActionRefused unless they are friends."""
    if not are_friends(user.pk, friend_id):
        raise FriendActionRefused("You can only message your friends.")
    PrivateMessage.objects.filter(sender_id=friend_id, recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return list(
        PrivateMessage.objects.filter(
            Q(sender=user, recipient_id=friend_id) | Q(sender_id=friend_id, recipient=user)
        ).select_related("sender")
    )
