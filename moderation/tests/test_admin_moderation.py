"""The seeded moderator in the admin: sanctions from a player's page and in
bulk from the players list, room actions, the ticket queue; all through the
moderation topic and its consumer."""

import uuid

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import wait_for
from habbo.models import Rank, User
from moderation.models import RoomSanction, Sanction, Ticket
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def moderator_admin(capsys) -> Client:
    """The moderator `make run` seeds, in through the admin's door with the printed second factor."""
    call_command("seed_hotel")
    printed = capsys.readouterr().out
    assert "moderator / hotel-moderator-1" in printed
    moderator = User.objects.get(username="moderator")
    assert (moderator.is_staff, moderator.rank, moderator.groups.get().name) == (True, Rank.MODERATOR, "Moderators")
    device = TOTPDevice.objects.get(user=moderator)
    assert device.config_url in printed
    client = Client()
    login = {"username": "moderator", "password": "hotel-moderator-1", "otp_device": device.persistent_id,
             "otp_token": f"{TOTP(device.bin_key).token():06d}"}
    assert client.post(reverse("admin:login"), login).status_code == 302
    return client


def test_a_moderator_sanctions_from_the_player_page_and_in_bulk(moderator_admin, consumer_process, make_player):
    consumer_process("moderation")
    alice, bob = make_player("alice"), make_player("bob")
    page = moderator_admin.get(reverse("admin:habbo_user_change", args=[alice.pk]))
    assert page.status_code == 200 and reverse("admin:habbo_user_sanction", args=[alice.pk]) in page.content.decode()

    form_url = reverse("admin:habbo_user_sanction", args=[alice.pk])
    assert moderator_admin.get(form_url).status_code == 200
    refused = moderator_admin.post(form_url, {"what": "mute", "reason": "Spam", "apply": "1"})
    assert "Say for how many minutes." in refused.content.decode()
    moderator_admin.post(form_url, {"what": "mute", "minutes": "30", "reason": "Spam", "apply": "1"})
    wait_for(lambda: User.objects.get(pk=alice.pk).muted_until is not None, what="the mute")
    muted = Sanction.objects.get(target=alice)
    assert (muted.kind, muted.reason, muted.moderator.username) == ("mute", "Spam", "moderator")
    assert 29 <= (muted.until - timezone.now()).total_seconds() / 60 <= 30

    moderator_admin.post(reverse("admin:habbo_user_changelist"), {
        "action": "sanction", "_selected_action": [alice.pk, bob.pk], "what": "ban", "hours": "2",
        "reason": "Raid", "apply": "1",
    })
    wait_for(lambda: User.objects.filter(banned=True).count() == 2, what="two bans")
    assert {s.target.username for s in Sanction.objects.filter(kind="ban")} == {"alice", "bob"}
    history = moderator_admin.get(reverse("admin:habbo_user_change", args=[alice.pk])).content.decode()
    assert "sanction history" in history.lower() and "Raid" in history and "banned (2 h" in history

    # A moderator allowed to edit players still does not make staff, nor edit an administrator.
    moderator = User.objects.get(username="moderator")
    moderator.user_permissions.add(Permission.objects.get(codename="change_user"))
    form = moderator_admin.get(reverse("admin:habbo_user_change", args=[bob.pk])).content.decode()
    assert 'name="motto"' in form
    for field in ("rank", "is_staff", "is_superuser", "groups", "user_permissions"):
        assert f'name="{field}"' not in form, field
    boss = make_player("boss", is_staff=True, rank=Rank.ADMINISTRATOR)
    assert 'name="motto"' not in moderator_admin.get(reverse("admin:habbo_user_change", args=[boss.pk])).content.decode()


def test_room_actions_and_the_ticket_queue_in_the_admin(moderator_admin, consumer_process, make_player):
    consumer_process("moderation")
    owner, reporter = make_player("owner"), make_player("reporter")
    room = Room.objects.create(owner=owner, name="Rude name", floor_plan="00\n00", door_x=0, door_y=0)
    page = moderator_admin.get(reverse("admin:rooms_room_change", args=[room.pk])).content.decode()
    moderate = reverse("admin:rooms_room_moderate", args=[room.pk])
    assert moderate in page
    moderator_admin.post(moderate, {"what": "lock", "reason": "Raid", "apply": "1"})
    wait_for(lambda: Room.objects.get(pk=room.pk).access == "locked", what="the lock from the room page")
    moderator_admin.post(reverse("admin:rooms_room_changelist"), {
        "action": "moderate", "_selected_action": [room.pk], "what": "rename", "reason": "Name", "apply": "1",
    })
    wait_for(lambda: RoomSanction.objects.count() == 2, what="the room actions")
    assert Room.objects.get(pk=room.pk).name == "Inappropriate to hotel management"

    lines = [
        {"id": str(uuid.uuid4()), "at": "2026-12-06T15:00:01+00:00", "user": "owner", "kind": "say", "to": None,
         "text": "welcome to my room"},
        {"id": str(uuid.uuid4()), "at": "2026-12-06T15:00:02+00:00", "user": "owner", "kind": "whisper",
         "to": "reporter", "text": "a secret between us"},
    ]
    ticket = Ticket.objects.create(
        id=uuid.uuid4(), reporter=reporter, about="room", room=room, message="Look at this", created_at=timezone.now(),
        chat_lines=lines,
    )
    filtered = Ticket.objects.create(
        id=uuid.uuid4(), about="word", about_user=owner, message="Word filter: zonk", quote="psst, zonk you",
        private_quote=True, created_at=timezone.now(),
    )
    queue = moderator_admin.get(reverse("admin:moderation_ticket_changelist")).content.decode()
    assert "Look at this" in queue
    # The seeded moderator may not read whispers (chat.read_private_lines): the ticket hides them too.
    page = moderator_admin.get(reverse("admin:moderation_ticket_change", args=[ticket.pk])).content.decode()
    assert "15:00:01" in page and "welcome to my room" in page and "whispers hidden" in page
    assert "a secret between us" not in page
    page = moderator_admin.get(reverse("admin:moderation_ticket_change", args=[filtered.pk])).content.decode()
    assert "Word filter: zonk" in page and "psst" not in page and "a whisper or private message: hidden" in page
    moderator_admin.post(reverse("admin:moderation_ticket_changelist"), {
        "action": "pick", "_selected_action": [ticket.pk], "apply": "1"})
    wait_for(lambda: Ticket.objects.get(pk=ticket.pk).state == "picked", what="the pick")
    moderator_admin.post(reverse("admin:moderation_ticket_changelist"), {
        "action": "close", "_selected_action": [ticket.pk], "outcome": "useless", "apply": "1"})
    wait_for(lambda: Ticket.objects.get(pk=ticket.pk).state == "closed", what="the close")
    assert Ticket.objects.get(pk=ticket.pk).outcome == "useless"
    assert "Look at this" not in moderator_admin.get(reverse("admin:moderation_ticket_changelist")).content.decode()
