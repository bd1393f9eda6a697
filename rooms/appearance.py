"""New looks reach the room at once: told by the core (habbo.looks.looks_changed)
after the player's row is saved, the avatar in the room the player stands in
takes them and everyone there gets `look_changed` (docs/protocol.md, "Looks")."""

import logging

from habbo.redis import REDIS_DOWN
from rooms.frames import LookChanged
from rooms.live import LiveRoom, room_of

log = logging.getLogger(__name__)


def show_new_looks(*, user_id: int, figure: dict[str, str], motto: str, **_) -> None:
    try:
        room = room_of(user_id)
        if room is not None:
            frame = LookChanged(user=user_id, figure=figure, motto=motto)
            LiveRoom(room).change_sync(user_id, {"figure": figure, "motto": motto}, frame)
    except REDIS_DOWN:
        # The looks are saved; the room shows them from the player's next entry.
        log.warning("new looks of user %s not shown in their room: Redis unavailable", user_id, exc_info=True)
