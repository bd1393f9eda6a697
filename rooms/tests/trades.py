"""The steps of a trade, for tests that drive two in-process room sockets
(rooms.tests.test_room_socket.Player)."""


def seen(trade: dict) -> dict:
    """What an accept or confirm says of the trade it agrees to."""
    return {"trade": trade["trade"], "revision": trade["revision"]}


async def both_accepted(alice, bob, alice_gives: list[int], bob_gives: list[int]) -> dict:
    """Alice opens a trade with Bob, each offers a side and both accept: the
    trade at its confirm step, as Alice's socket showed it."""
    await alice.send({"type": "trade_open", "user": bob.user.pk})
    await alice.send({"type": "trade_offer", "furni": alice_gives})
    await bob.next("trade", where=lambda m: m["offers"][0])
    await bob.send({"type": "trade_offer", "furni": bob_gives})
    shown = await alice.next("trade", where=lambda m: m["offers"][1])
    await alice.send({"type": "trade_accept", "accepted": True} | seen(shown))
    shown = await bob.next("trade", where=lambda m: m["accepted"][0])
    await bob.send({"type": "trade_accept", "accepted": True} | seen(shown))
    return await alice.next("trade", where=lambda m: m["stage"] == "confirm")
