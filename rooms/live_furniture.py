"""A web process's copy of a room's furniture, owner and rights, read from
the database once when the process starts serving the room and kept from
the room's own frames (furni_added, furni_moved, furni_removed,
rights_changed) after that. Walks find the furniture in their way here, and
furniture actions are checked here before they are published (the
furniture consumer decides; rooms.placement holds the rules for both)."""

from functools import cached_property

from pydantic import ValidationError

from rooms.frames import FurnitureView
from rooms.pathfinding import Tile
from rooms.placement import RoomFurniture, pieces_of
from rooms.selectors import Furnishing

FURNITURE_FRAMES = frozenset({"furni_added", "furni_moved", "furni_removed", "rights_changed"})


class LiveFurniture:
    def __init__(self, furnishing: Furnishing):
        self.owner = furnishing.owner
        self.rights = set(furnishing.rights)
        self.seq = furnishing.seq
        self.views: dict[int, FurnitureView] = dict(furnishing.views)

    def apply(self, frame: dict) -> bool:
        """Apply one of the room's frames; False, and the copy left as it
        was, if frames were missed before it (its number is not the next one)
        or it cannot be read: the copy must be read again."""
        if frame.get("type") not in FURNITURE_FRAMES:
            return True
        try:
            seq = frame["seq"]
            view = FurnitureView.model_validate(frame["piece"]) if "piece" in frame else None
        except (KeyError, ValidationError):
            return False
        if seq <= self.seq:
            return True
        if seq != self.seq + 1:
            return False
        self.seq = seq
        kind = frame["type"]
        if view is not None:
            self.views[view.id] = view
        elif kind == "furni_removed":
            self.views.pop(frame["furni"], None)
        elif frame["granted"]:
            self.rights.add(frame["user"])
        else:
            self.rights.discard(frame["user"])
        self.__dict__.pop("rules", None)
        self.__dict__.pop("blocking", None)
        return True

    @cached_property
    def rules(self) -> RoomFurniture:
        return RoomFurniture(self.owner, set(self.rights), pieces_of(self.views.values()), self.seq)

    @cached_property
    def blocking(self) -> set[Tile]:
        return self.rules.blocking()
