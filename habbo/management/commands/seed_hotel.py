"""Seed a demo hotel: two players, a moderator, the catalogue (economy.seed)
and public rooms with some furniture in them.

Safe to run again: what exists is left as it is. The rooms are applied
straight through rooms.services (not via Kafka) so seeding needs no consumer.
"""

import uuid
from base64 import b32encode

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from economy.seed import seed_catalogue
from habbo.models import Rank, User
from rooms.models import Item, Room, Furni
from rooms.services import room_create, room_created_event

DEMO_PLAYERS = [
    ("demo1", "hotel-demo-1", {"figure_shirt": "#ef4444", "figure_hair_style": "long", "figure_hair": "#e6c068",
                               "motto": "First guest of the hotel"}),
    ("demo2", "hotel-demo-2", {"figure_shirt": "#22c55e", "figure_skin": "#c68642", "figure_hair_style": "spiky",
                               "figure_hair": "#3b2314", "figure_shoes": "#f8fafc", "motto": "Here for the pool"}),
]
DEMO_ROOMS = [
    ("Welcome Lobby", "Everyone starts here. Say hi!", "lounge", 50),
    ("Rooftop Terraces", "Three levels of sunshine.", "terraces", 25),
    ("The Pool Courtyard", "Mind the water in the middle.", "courtyard", 30),
    ("Hall of Fame", "A long corridor of legends.", "corridor", 25),
]
# Furniture placed in the demo rooms: (room, item, x, y, rotation).
DEMO_FURNITURE = [
    ("Welcome Lobby", "Sofa", 3, 0, 0),
    ("Welcome Lobby", "Table", 3, 2, 0),
    ("Welcome Lobby", "Plant", 9, 0, 0),
    ("Welcome Lobby", "Rug", 7, 3, 0),
    ("The Pool Courtyard", "Lamp", 0, 0, 0),
    ("The Pool Courtyard", "Wooden chair", 7, 1, 4),
    ("The Pool Courtyard", "Plant", 8, 6, 0),
    ("Hall of Fame", "Plant", 13, 0, 0),
]
MODERATOR = ("moderator", "hotel-moderator-1")
# What the Moderators group may do in the admin: read players, rooms, logs and
# tickets, manage the word filter. Sanctions are events, sent by actions any
# moderator-ranked staff member may take. Whispers and private messages stay
# hidden until an administrator grants chat.read_private_lines.
MODERATOR_PERMISSIONS = [
    ("habbo", "view_user"), ("habbo", "view_filteredword"), ("habbo", "add_filteredword"),
    ("habbo", "change_filteredword"), ("habbo", "delete_filteredword"), ("rooms", "view_room"),
    ("rooms", "view_visit"), ("chat", "view_chatline"), ("friends", "view_privatemessage"),
    ("moderation", "view_sanction"), ("moderation", "view_roomsanction"), ("moderation", "view_ticket"),
]
SEED_NAMESPACE = uuid.UUID("6f1c7d5e-9a39-4c1e-9f52-0d3b1f8f2a10")


class Command(BaseCommand):
    help = "Create the demo hotel (players, catalogue, public rooms); running it again changes nothing."

    @transaction.atomic
    def handle(self, *args, **options):
        players = [self._player(name, password, extra) for name, password, extra in DEMO_PLAYERS]
        seed_catalogue()
        for name, description, layout, capacity in DEMO_ROOMS:
            room_id = uuid.uuid5(SEED_NAMESPACE, name)
            if Room.objects.filter(pk=room_id).exists():
                continue
            event = room_created_event(
                room_id=room_id, owner_id=players[0].pk, name=name, description=description, capacity=capacity,
                layout=layout, is_public=True,
            )
            room_create(event=event, actor_id=None)
            for room_name, item, x, y, rotation in DEMO_FURNITURE:
                if room_name == name:
                    Furni.objects.create(
                        room_id=room_id, item=Item.objects.get(name=item), owner=players[0], x=x, y=y, rotation=rotation
                    )
        self.stdout.write("demo players (username / password):")
        for name, password, _ in DEMO_PLAYERS:
            self.stdout.write(f"  {name} / {password}")
        device = self._moderator()
        self.stdout.write(f"moderator (the admin, /admin/: the game's Moderation link): {' / '.join(MODERATOR)}")
        self.stdout.write(f"  its second factor (TOTP): {device.config_url}")
        self.stdout.write(f"  or type the secret into an authenticator app: {b32encode(device.bin_key).decode()}")

    def _moderator(self) -> TOTPDevice:
        group, _ = Group.objects.get_or_create(name="Moderators")
        wanted = Q()
        for app, codename in MODERATOR_PERMISSIONS:
            wanted |= Q(content_type__app_label=app, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
        name, password = MODERATOR
        user = self._player(name, password, {"is_staff": True, "rank": Rank.MODERATOR, "motto": "Hotel staff"})
        user.groups.add(group)
        return TOTPDevice.objects.get_or_create(user=user, defaults={"name": "authenticator", "confirmed": True})[0]

    def _player(self, username: str, password: str, extra: dict) -> User:
        user, created = User.objects.get_or_create(username=username, defaults=extra)
        if created:
            user.set_password(password)
            user.save()
        return user
