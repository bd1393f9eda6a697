"""The furniture consumer's rules: placing, moving and picking up pieces,
rights, and trades, a batch at a time (one transaction, habbo.bus.consumer).

A room's changes are keyed by the room, so they come in order; the room's
row is locked while they are applied, and each change that passes the rules
(rooms.placement, on the room as the database holds it) gets the room's
next change number, carried by the frame every web process fans out after
the commit. Two players placing on one tile: the first applied wins, the
second is refused with a notice.

A piece changes owner or place only by a conditional UPDATE (still this
owner's, still in the inventory / still in this room), so a trade and a
placement of one piece on two partitions can never both happen.
"""

from dataclasses import replace

from django.db import transaction

from habbo.bus.events import Envelope, InvalidEvent, check_actor
from habbo.bus.push import notify_on_commit, publish_on_redis_on_commit
from habbo.models import User
from rooms import frames
from rooms.events import FurniMoved, FurniPickedUp, FurniPlaced, RightsChanged, TradeAgreed
from rooms.live import frames_channel
from rooms.models import Furni, Room, RoomRight, Trade
from rooms.placement import Piece, Refused, RoomFurniture, kind_of, pieces_of
from rooms.pushes import FurniCard, FurniRefused, InventoryChanged, TradeCompleted, TradeRefused
from rooms.selectors import furniture_view, limited_number

ACTIONS = {FurniPlaced: "place", FurniMoved: "move", FurniPickedUp: "pickup"}
ITEMS_CHANGED = "One of the pieces changed hands or was placed before the trade went through; nothing was swapped."


def apply_room_changes(items: list[tuple]) -> None:
    """Every event of a batch, room by room, each room's in order."""
    by_room: dict = {}
    for event, envelope in items:
        by_room.setdefault(event.room_id, []).append((event, envelope))
    for room_id, changes in by_room.items():
        _RoomChanges(room_id).apply(changes)


def card(furni: Furni) -> FurniCard:
    return FurniCard(id=furni.pk, item=furni.item_id, name=furni.item.name, limited=limited_number(furni))


class _RoomChanges:
    def __init__(self, room_id):
        self.room = Room.objects.select_for_update().filter(pk=room_id).first()
        if self.room is None:
            return
        self.plan = self.room.plan
        self.views = {f.pk: furniture_view(f) for f in Furni.objects.filter(room=self.room).select_related("item")}
        rights = set(RoomRight.objects.filter(room=self.room).values_list("user_id", flat=True))
        self.rules = RoomFurniture(self.room.owner_id, rights, pieces_of(self.views.values()), self.room.furni_seq)

    def apply(self, changes: list[tuple]) -> None:
        for event, envelope in changes:
            if isinstance(event, TradeAgreed):
                _trade(event, envelope, self.room)
            elif isinstance(event, RightsChanged):
                self._rights(event, envelope)
            else:
                check_actor(envelope.actor, event.user_id)
                try:
                    self._furni(event)
                except Refused as refused:
                    notify_on_commit(event.user_id, FurniRefused(
                        furni=event.furni_id, action=ACTIONS[type(event)], reason=refused.code, message=refused.message
                    ))
        if self.room is not None:
            Room.objects.filter(pk=self.room.pk).update(furni_seq=self.rules.seq)

    def _furni(self, event) -> None:
        if self.room is None:
            raise Refused("no_room")
        if isinstance(event, FurniPlaced):
            self._place(event)
        elif isinstance(event, FurniMoved):
            piece = self.rules.check_move(
                self.plan, actor=event.user_id, furni_id=event.furni_id, x=event.x, y=event.y, rotation=event.rotation
            )
            Furni.objects.filter(pk=piece.id, room=self.room).update(x=piece.x, y=piece.y, z=piece.z, rotation=piece.rotation)
            view = self.views[piece.id].model_copy(update={"x": piece.x, "y": piece.y, "z": piece.z, "rotation": piece.rotation})
            self._changed(frames.FurniMoved(piece=view, seq=self._next()), piece, view)
        else:
            piece = self.rules.check_pickup(actor=event.user_id, furni_id=event.furni_id)
            Furni.objects.filter(pk=piece.id, room=self.room).update(room=None, x=0, y=0, z=0, rotation=0)
            del self.rules.pieces[piece.id], self.views[piece.id]
            self._frame(frames.FurniRemoved(furni=piece.id, seq=self._next()))
            furni = Furni.objects.select_related("item", "limited").get(pk=piece.id)
            notify_on_commit(piece.owner, InventoryChanged(added=[card(furni)], removed=[]))

    def _place(self, event: FurniPlaced) -> None:
        furni = Furni.objects.select_related("item").filter(pk=event.furni_id).first()
        if furni is None or furni.room_id is not None:
            raise Refused("not_in_inventory")
        placed = self.rules.check_place(
            self.plan, actor=event.user_id, owner=furni.owner_id, kind=kind_of(furni.item), x=event.x, y=event.y,
            rotation=event.rotation,
        )
        # Still this player's and in their inventory: a trade on another partition may have taken it.
        if not Furni.objects.filter(pk=furni.pk, owner_id=event.user_id, room__isnull=True).update(
            room=self.room, x=placed.x, y=placed.y, z=placed.z, rotation=placed.rotation
        ):
            raise Refused("not_in_inventory")
        furni.room, furni.x, furni.y, furni.z, furni.rotation = self.room, placed.x, placed.y, placed.z, placed.rotation
        view = furniture_view(furni)
        self._changed(frames.FurniAdded(piece=view, seq=self._next()), replace(placed, id=furni.pk), view)
        notify_on_commit(event.user_id, InventoryChanged(added=[], removed=[furni.pk]))

    def _rights(self, event: RightsChanged, envelope: Envelope) -> None:
        if self.room is None:
            raise InvalidEvent(f"rights in unknown room {event.room_id}")
        if envelope.actor != self.room.owner_id:
            raise InvalidEvent(f"user {envelope.actor} does not own room {self.room.pk}")
        if event.user_id == self.room.owner_id:
            return  # the owner has every right already
        if not User.objects.filter(pk=event.user_id).exists():
            raise InvalidEvent(f"unknown user {event.user_id}")
        if event.granted:
            _, changed = RoomRight.objects.get_or_create(room=self.room, user_id=event.user_id)
            self.rules.rights.add(event.user_id)
        else:
            changed = RoomRight.objects.filter(room=self.room, user_id=event.user_id).delete()[0] > 0
            self.rules.rights.discard(event.user_id)
        if changed:
            self._frame(frames.RightsChanged(user=event.user_id, granted=event.granted, seq=self._next()))

    def _changed(self, frame, piece: Piece, view) -> None:
        self.rules.pieces[piece.id] = piece
        self.views[piece.id] = view
        self._frame(frame)

    def _next(self) -> int:
        self.rules.seq += 1
        return self.rules.seq

    def _frame(self, frame) -> None:
        publish_on_redis_on_commit(frames_channel(self.room.pk), frames.frame_text(frame))


def _trade(event: TradeAgreed, envelope: Envelope, room: Room | None) -> None:
    """Swap both sides, every piece still its giver's and in their
    inventory, or nothing; recorded either way (the admin's trade log)."""
    if envelope.actor not in event.users:
        raise InvalidEvent(f"user {envelope.actor} is not in trade {event.trade_id}")
    first, second = event.users
    names = dict(User.objects.filter(pk__in=event.users).values_list("pk", "username"))
    if len(names) != 2:
        raise InvalidEvent(f"unknown players in trade {event.trade_id}")
    if Trade.objects.filter(pk=event.trade_id).exists():
        return  # applied before, under another event id
    swapped = _swap(event)
    Trade.objects.create(
        id=event.trade_id, room=room, first_id=first, second_id=second, first_gave=event.offers[0],
        second_gave=event.offers[1], status=Trade.Status.COMPLETED if swapped else Trade.Status.REFUSED,
        reason="" if swapped else "items_changed", at=envelope.occurred_at,
    )
    if not swapped:
        for user in event.users:
            notify_on_commit(user, TradeRefused(trade=event.trade_id, reason="items_changed", message=ITEMS_CHANGED))
        return
    pieces = Furni.objects.select_related("item", "limited").in_bulk([*event.offers[0], *event.offers[1]])
    cards = [[card(pieces[i]) for i in side] for side in event.offers]
    for me, (user, other) in enumerate([(first, second), (second, first)]):
        given, received = cards[me], cards[1 - me]
        notify_on_commit(user, TradeCompleted(trade=event.trade_id, with_=names[other], received=received, given=given))
        notify_on_commit(user, InventoryChanged(added=received, removed=[c.id for c in given]))


def _swap(event: TradeAgreed) -> bool:
    """Each side to the other player, row by row conditionally; all or none."""
    first, second = event.users
    try:
        with transaction.atomic():
            for giver, taker, side in ((first, second, event.offers[0]), (second, first, event.offers[1])):
                if Furni.objects.filter(pk__in=side, owner_id=giver, room__isnull=True).update(owner_id=taker) != len(side):
                    raise Refused("not_in_inventory")
    except Refused:
        return False
    return True
