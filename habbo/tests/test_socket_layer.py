"""The room sockets' channel layer (habbo.socket_layer) over the real Redis
pub/sub layer: one subscription per process, a socket's channel and groups
kept in the process. The cross-process paths it carries (whispers, trades,
"replaced", sanctions) are tested where they are used."""

import asyncio

import pytest
from channels.layers import get_channel_layer

from habbo.socket_layer import ALIAS, EVERY_PROCESS, for_group


@pytest.fixture
def layer():
    return get_channel_layer(ALIAS)


async def received(layer, channel: str, timeout: float = 5) -> dict:
    return await asyncio.wait_for(layer.receive(channel), timeout)


async def nothing_for(layer, channel: str) -> bool:
    try:
        await asyncio.wait_for(layer.receive(channel), 0.3)
    except TimeoutError:
        return True
    return False


async def test_a_message_reaches_only_its_socket(layer):
    alice, bob = await layer.new_channel(), await layer.new_channel()
    assert alice.split("!")[0] == bob.split("!")[0]  # one process channel for both
    await layer.send(bob, {"type": "room.event", "text": "psst"})
    assert await received(layer, bob) == {"type": "room.event", "text": "psst"}
    assert await nothing_for(layer, alice)


async def test_a_group_message_reaches_its_members_here(layer):
    alice, bob, carol = [await layer.new_channel() for _ in range(3)]
    await layer.group_add("sockets.1", alice)
    await layer.group_add("sockets.1", bob)
    await layer.group_discard("sockets.1", bob)
    await layer.group_send("sockets.1", {"type": "sanction.close", "code": 4410})
    assert await received(layer, alice) == {"type": "sanction.close", "code": 4410}
    assert await nothing_for(layer, bob)
    assert await nothing_for(layer, carol)


async def test_a_push_sent_on_the_layer_underneath_reaches_the_group(layer):
    """What habbo.restrictions sends after a commit, through habbo.bus.push."""
    alice = await layer.new_channel()
    await layer.group_add("sockets.2", alice)
    await get_channel_layer().group_send(EVERY_PROCESS, for_group("sockets.2", {"type": "sanction.close"}))
    assert await received(layer, alice) == {"type": "sanction.close"}


async def test_a_socket_that_ended_leaves_its_queue_and_groups(layer):
    alice = await layer.new_channel()
    await layer.group_add("sockets.3", alice)
    waiting = asyncio.ensure_future(layer.receive(alice))
    await asyncio.sleep(0)
    waiting.cancel()  # Channels cancels the receive when the consumer ends
    with pytest.raises(asyncio.CancelledError):
        await waiting
    process = layer._process()
    assert alice not in process.queues
    assert "sockets.3" not in process.groups and alice not in process.joined


async def test_a_channel_of_the_layer_underneath_is_sent_there(layer):
    """A socket of the release before (its own pub/sub channel) still gets its message."""
    underneath = get_channel_layer()
    old = await underneath.new_channel()
    await layer.send(old, {"type": "room.replaced"})
    assert await asyncio.wait_for(underneath.receive(old), 5) == {"type": "room.replaced"}
