"""A trade's rules (rooms.trading.TradeState), on their own."""

import uuid

import pytest

from rooms.trading import TradeNotAllowed, TradeState

ALICE, BOB = 1, 2
CHAIR = {"id": 11, "name": "Chair", "limited": None, "item": {}}
LAMP = {"id": 12, "name": "Lamp", "limited": None, "item": {}}


def trade() -> TradeState:
    return TradeState(id=str(uuid.uuid4()), room=str(uuid.uuid4()), users=(ALICE, BOB), names=("alice", "bob"), channels=("a", "b"))


def refusal(call) -> str:
    with pytest.raises(TradeNotAllowed) as refused:
        call()
    return refused.value.code


def seen(state: TradeState) -> tuple[str, int]:
    return state.id, state.revision


def accept(state: TradeState, user: int, accepted: bool = True) -> TradeState:
    return state.accept(user, accepted, seen=seen(state))


def confirm(state: TradeState, user: int) -> TradeState:
    return state.confirm(user, seen=seen(state))


def both_accepted() -> TradeState:
    return accept(accept(trade().offer(ALICE, [CHAIR]).offer(BOB, [LAMP]), ALICE), BOB)


def test_both_accept_then_both_confirm():
    state = accept(trade().offer(ALICE, [CHAIR]), ALICE)
    assert (state.stage, state.accepted) == ("offer", (True, False))
    assert refusal(lambda: confirm(state, ALICE)) == "wrong_stage"
    state = accept(state, BOB)
    assert state.stage == "confirm"
    state = confirm(state, BOB)
    assert (state.stage, state.confirmed, state.swap) == ("confirm", (False, True), None)
    closing = confirm(state, ALICE)
    assert closing.stage == "closing" and closing.agreed().trade_id == uuid.UUID(closing.swap)


def test_a_change_of_either_side_clears_every_accept_and_confirm():
    confirmed = confirm(both_accepted(), ALICE)
    # Bob empties his side after Alice confirmed: her stale confirm is gone.
    emptied = confirmed.offer(BOB, [])
    assert (emptied.stage, emptied.accepted, emptied.confirmed) == ("offer", (False, False), (False, False))
    assert refusal(lambda: confirm(emptied, BOB)) == "wrong_stage"
    taken_back = accept(confirm(both_accepted(), BOB), ALICE, False)
    assert (taken_back.stage, taken_back.confirmed) == ("offer", (False, False))


def test_an_accept_or_confirm_that_crossed_a_change_is_refused():
    shown = trade().offer(ALICE, [CHAIR]).offer(BOB, [LAMP])
    # Bob empties his side while Alice's accept of what she saw is on its way.
    emptied = shown.offer(BOB, [])
    assert refusal(lambda: emptied.accept(ALICE, True, seen=seen(shown))) == "changed"
    # A confirm for the trade before this one (same player, a new trade) does not carry over.
    ready = both_accepted()
    assert refusal(lambda: ready.confirm(ALICE, seen=(str(uuid.uuid4()), ready.revision))) == "changed"
    assert refusal(lambda: ready.confirm(ALICE, seen=(ready.id, ready.revision - 1))) == "changed"


def test_a_trade_both_confirmed_takes_no_change():
    closing = confirm(confirm(both_accepted(), ALICE), BOB)
    assert refusal(lambda: closing.offer(ALICE, [])) == "wrong_stage"
    assert refusal(lambda: accept(closing, BOB, False)) == "wrong_stage"
    assert refusal(lambda: confirm(closing, BOB)) == "wrong_stage"
    assert closing.agreed().offers == ([11], [12])


def test_a_swap_that_failed_reopens_the_trade_without_the_pieces_gone_and_under_a_new_swap_id():
    closing = confirm(confirm(both_accepted(), ALICE), BOB)
    assert closing.reopened(str(uuid.uuid4())) == closing  # another swap's failure changes nothing
    reopened = closing.reopened(closing.swap, frozenset({LAMP["id"]}))
    assert (reopened.stage, reopened.accepted, reopened.confirmed, reopened.swap) == ("offer", (False, False), (False, False), None)
    assert reopened.offers == ((CHAIR,), ()) and reopened.revision > closing.revision
    again = confirm(confirm(accept(accept(reopened, ALICE), BOB), ALICE), BOB)
    assert again.swap not in (None, closing.swap)


def test_an_empty_trade_cannot_be_accepted():
    assert refusal(lambda: accept(trade(), ALICE)) == "empty_trade"


def test_a_trade_survives_redis_unchanged():
    state = confirm(confirm(both_accepted(), ALICE), BOB)
    assert TradeState.from_json(state.to_json()) == state
