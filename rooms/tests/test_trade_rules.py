"""A trade's rules (rooms.trading.TradeState), on their own."""

import uuid

import pytest

from rooms.trading import TradeRefused, TradeState

ALICE, BOB = 1, 2
CHAIR = {"id": 11, "name": "Chair", "limited": None, "item": {}}
LAMP = {"id": 12, "name": "Lamp", "limited": None, "item": {}}


def trade() -> TradeState:
    return TradeState(id=str(uuid.uuid4()), room=str(uuid.uuid4()), users=(ALICE, BOB), names=("alice", "bob"), channels=("a", "b"))


def refusal(call) -> str:
    with pytest.raises(TradeRefused) as refused:
        call()
    return refused.value.code


def both_accepted() -> TradeState:
    return trade().offer(ALICE, [CHAIR]).offer(BOB, [LAMP]).accept(ALICE, True).accept(BOB, True)


def test_both_accept_then_both_confirm():
    state = trade().offer(ALICE, [CHAIR]).accept(ALICE, True)
    assert (state.stage, state.accepted) == ("offer", (True, False))
    assert refusal(lambda: state.confirm(ALICE)) == "wrong_stage"
    state = state.accept(BOB, True)
    assert state.stage == "confirm"
    state = state.confirm(BOB)
    assert (state.stage, state.confirmed) == ("confirm", (False, True))
    assert state.confirm(ALICE).stage == "closing"


def test_a_change_of_either_side_clears_every_accept_and_confirm():
    confirmed = both_accepted().confirm(ALICE)
    # Bob empties his side after Alice confirmed: her stale confirm is gone.
    emptied = confirmed.offer(BOB, [])
    assert (emptied.stage, emptied.accepted, emptied.confirmed) == ("offer", (False, False), (False, False))
    assert refusal(lambda: emptied.confirm(BOB)) == "wrong_stage"
    taken_back = both_accepted().confirm(BOB).accept(ALICE, False)
    assert (taken_back.stage, taken_back.confirmed) == ("offer", (False, False))


def test_a_trade_both_confirmed_takes_no_change():
    closing = both_accepted().confirm(ALICE).confirm(BOB)
    assert refusal(lambda: closing.offer(ALICE, [])) == "wrong_stage"
    assert refusal(lambda: closing.accept(BOB, False)) == "wrong_stage"
    assert refusal(lambda: closing.confirm(BOB)) == "wrong_stage"
    assert closing.agreed().offers == ([11], [12])


def test_an_empty_trade_cannot_be_accepted():
    assert refusal(lambda: trade().accept(ALICE, True)) == "empty_trade"


def test_a_trade_survives_redis_unchanged():
    state = both_accepted().confirm(ALICE)
    assert TradeState.from_json(state.to_json()) == state
