"""`manage.py kafka_consume --all`, what the Procfile runs: one process, every
registered consumer in a thread of its own, each applying its events; SIGTERM
stops them all cleanly."""

import signal
import uuid
from pathlib import Path

import pytest

from chat.events import ChatMessageSent
from chat.models import ChatLine
from conftest import room_created, wait_for
from economy.events import PurchaseRequested
from economy.models import CatalogPage, DailySales, Offer
from economy.purchases import FACT_IDS
from friends.events import FriendRequested, MessageSent
from friends.models import FriendRequest, Friendship, OfflineNotice, PrivateMessage
from habbo.bus.producer import publish
from habbo.bus.registry import CONSUMERS
from habbo.models import ProcessedEvent
from habbo.reports import HelpReported, report
from moderation.models import Ticket
from rooms.events import FurniPlaced, UserEntered
from rooms.models import Furni, Item, Room, Visit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.durable]


def applied() -> dict[str, set[uuid.UUID]]:
    """The ids of the events each consumer has applied."""
    ids: dict[str, set[uuid.UUID]] = {}
    for consumer, event_id in ProcessedEvent.objects.values_list("consumer", "event_id"):
        ids.setdefault(consumer, set()).add(event_id)
    return ids


def test_every_consumer_applies_its_events_and_sigterm_stops_them_all(processes, make_player):
    alice, carol = make_player("alice"), make_player("carol")
    bob = make_player("bob", email="bob@example.org")
    Friendship.objects.create(user_low=min(alice, carol, key=lambda u: u.pk), user_high=max(alice, carol, key=lambda u: u.pk))
    room = Room.objects.create(owner=alice, name="Lobby", floor_plan="000\n000", door_x=0, door_y=0)
    new_room = room_created(alice.pk, name="Fresh room")
    visit = uuid.uuid4()
    chair = Offer.objects.create(page=CatalogPage.objects.create(name="Chairs"), item=Item.objects.create(name="Chair"), price=3)
    click = uuid.uuid4()
    piece = Furni.objects.create(item=chair.item, owner=alice)
    envelopes = [
        publish(new_room, actor=alice.pk),
        publish(UserEntered(room_id=room.pk, user_id=bob.pk, visit_id=visit), actor=bob.pk),
        publish(ChatMessageSent(room_id=room.pk, user_id=bob.pk, kind="say", text="hello all"), actor=bob.pk),
        publish(FriendRequested(sender_id=alice.pk, recipient_id=bob.pk), actor=alice.pk),
        publish(MessageSent(sender_id=alice.pk, recipient_id=carol.pk, text="hi carol"), actor=alice.pk),
        publish(
            PurchaseRequested(purchase=click, buyer_id=bob.pk, offer_id=chair.pk, quantity=1, unit_price=3), actor=bob.pk
        ),
        publish(FurniPlaced(room_id=room.pk, user_id=alice.pk, furni_id=piece.pk, x=1, y=1, rotation=0), actor=alice.pk),
        report(HelpReported(ticket_id=uuid.uuid4(), reporter_id=bob.pk, about="player", about_user_id=carol.pk)),
    ]
    expected = {
        name: {e.id for e in envelopes if e.type in spec.event_types} for name, spec in CONSUMERS.items()
    }
    # The economy consumer tells the sales consumer of the purchase (item.purchased).
    expected["sales"] = {uuid.uuid5(FACT_IDS, f"{bob.pk}:{click}")}
    assert all(expected.values()), "each registered consumer gets an event here"

    proc = processes.start(["manage.py", "kafka_consume", "--all"], "all")
    wait_for(lambda: applied() == expected, what="every consumer applying its events")
    assert Room.objects.get(pk=new_room.room_id).name == "Fresh room"
    room.refresh_from_db()
    assert room.player_count == 1
    assert Visit.objects.get(pk=visit).user == bob
    assert ChatLine.objects.get(room=room).text == "hello all"
    assert FriendRequest.objects.get(sender=alice, recipient=bob).status == "pending"
    assert OfflineNotice.objects.get(user=bob).email == "bob@example.org"
    assert PrivateMessage.objects.get(sender=alice, recipient=carol).text == "hi carol"
    assert DailySales.objects.get(offer=chair).credits == 3
    piece.refresh_from_db()
    assert (piece.room_id, piece.x, piece.y) == (room.pk, 1, 1)
    assert Ticket.objects.get(reporter=bob).about_user == carol

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0, "SIGTERM finishes each batch, commits and exits cleanly"
    log = Path(proc.log_path).read_text()
    assert all(f"consumer {name} stopped" in log for name in CONSUMERS), log
