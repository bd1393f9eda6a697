"""The notifications consumer e-mails offline players, through a real SMTP
server on loopback (aiosmtpd); it is its own consumer group."""

import asyncio
import signal

import pytest
from aiosmtpd.controller import Controller

from conftest import free_port, wait_for
from friends.events import FriendRequested
from friends.models import FriendRequest
from habbo import presence
from habbo.bus.producer import publish, publish_envelope
from habbo.bus.topics import FRIEND_REQUESTS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.durable]


class Inbox:
    def __init__(self):
        self.mails = []

    async def handle_DATA(self, server, session, envelope):
        self.mails.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{controller.port}")
    yield inbox
    controller.stop()


def test_offline_player_gets_one_mail_also_across_a_restart(kafka, consumer_process, make_player, smtp):
    alice, carol = make_player("alice"), make_player("carol")
    bob = make_player("bob", email="bob@example.org")
    first = FriendRequested(sender_id=alice.pk, recipient_id=bob.pk).envelope(actor=alice.pk)
    publish_envelope(FRIEND_REQUESTS.full_name, first)
    publish_envelope(FRIEND_REQUESTS.full_name, first)  # delivered twice: still one mail
    consumer_process("friends")
    notifications = consumer_process("notifications")
    wait_for(lambda: len(smtp.mails) == 1, what="the first mail")
    assert smtp.mails[0][0] == ["bob@example.org"] and "alice wants to be your friend" in smtp.mails[0][1]

    notifications.send_signal(signal.SIGTERM)
    assert notifications.wait(30) == 0
    publish(FriendRequested(sender_id=carol.pk, recipient_id=bob.pk), actor=carol.pk)
    wait_for(lambda: FriendRequest.objects.filter(sender=carol).exists(), what="friends going on alone")
    assert len(smtp.mails) == 1, "the notifications consumer is stopped"

    consumer_process("notifications")
    wait_for(lambda: len(smtp.mails) == 2, what="the mail it missed")
    wait_for(lambda: kafka.committed("notifications", FRIEND_REQUESTS.full_name) == 3, what="all committed")
    assert "carol wants to be your friend" in smtp.mails[1][1]
    assert len(smtp.mails) == 2


def test_online_player_gets_no_mail(kafka, consumer_process, make_player, smtp):
    alice, bob = make_player("alice"), make_player("bob", email="bob@example.org")
    asyncio.run(presence.mark_online(bob.pk, "test-conn"))
    try:
        publish(FriendRequested(sender_id=alice.pk, recipient_id=bob.pk), actor=alice.pk)
        consumer_process("notifications")
        wait_for(lambda: kafka.committed("notifications", FRIEND_REQUESTS.full_name) == 1, what="the event")
        assert smtp.mails == []
    finally:
        asyncio.run(presence.mark_offline(bob.pk, "test-conn"))
