"""A batch PostgreSQL rolls back to break a deadlock is applied again: the
furniture consumer places a piece (the room's row locked, then the piece's)
while another transaction, like the room-stats consumer's, holds the piece's
row and waits for the room's. A real deadlock on the real database."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from habbo.bus.consumer import ConsumerLoop, Item
from habbo.bus.registry import CONSUMERS
from habbo.tests.test_consumer_batch import Delivered
from rooms.events import FurniPlaced
from rooms.models import Furni, Item as Kind, Room

pytestmark = pytest.mark.django_db(transaction=True)


def waiting_for_a_lock(pid: int) -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


def test_a_batch_chosen_to_break_a_deadlock_is_applied_again(make_player):
    if connection.vendor != "postgresql":
        pytest.skip("a deadlock between two transactions is PostgreSQL's to break")
    alice = make_player("alice")
    room = Room.objects.create(owner=alice, name="Locked room", floor_plan="000\n000", door_x=0, door_y=0)
    piece = Furni.objects.create(item=Kind.objects.create(name="Locked chair", look="chair"), owner=alice)
    event = FurniPlaced(room_id=room.pk, user_id=alice.pk, furni_id=piece.pk, x=1, y=1, rotation=0)
    loop = ConsumerLoop(CONSUMERS["furniture"], stop=threading.Event())
    consumer_pid = []
    other_done = threading.Event()

    def the_other_transaction():
        """Holds the piece's row, waits until the consumer waits for it, then asks for the room's."""
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    # Longer than the consumer's (1 s): PostgreSQL picks the consumer's transaction.
                    cursor.execute("SET LOCAL deadlock_timeout = '20s'")
                list(Furni.objects.select_for_update().filter(pk=piece.pk))
                deadline = time.monotonic() + 20
                while not (consumer_pid and waiting_for_a_lock(consumer_pid[0])):
                    assert time.monotonic() < deadline, "the consumer never waited for the piece"
                    time.sleep(0.05)
                Room.objects.filter(pk=room.pk).update(player_count=1)
        finally:
            connection.close()
            other_done.set()

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        consumer_pid.append(cursor.fetchone()[0])
    other = threading.Thread(target=the_other_transaction)
    other.start()
    loop._apply([Item(Delivered(0), event.envelope(actor=alice.pk), event)])
    assert other_done.wait(30)
    other.join()

    piece.refresh_from_db()
    room.refresh_from_db()
    assert (piece.room_id, piece.x, piece.y) == (room.pk, 1, 1)
    assert (room.furni_seq, room.player_count) == (1, 1)
    assert loop.applied == 1 and loop.dead_lettered == 0
