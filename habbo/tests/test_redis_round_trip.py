"""habbo.redis.batched and one_round_trip against the real Redis: scripts
and commands sent together, their replies in order and each to its caller,
a script the node does not know yet, one call failing while the others are
done, commands waiting while pipelines are out, and a Redis out of reach
failing every call."""

import asyncio
import uuid

import pytest
from redis.exceptions import ResponseError

from habbo import redis as habbo_redis
from habbo.redis import IN_FLIGHT, REDIS_DOWN, Script, batched, failed, one_round_trip, redis, run_script

# Keeps Redis (and so the pipeline it is in) busy for ARGV[1] microseconds.
BUSY = """local t0 = redis.call('TIME')
repeat local t = redis.call('TIME') until (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) >= tonumber(ARGV[1])
return 1"""


def live_key() -> str:
    return f"live:test-trip:{{{uuid.uuid4().hex}}}"  # live:*, so clean_redis clears it


async def test_scripts_and_commands_reply_in_order(clean_redis):
    key = live_key()
    script = Script("return ARGV[1] .. redis.call('GET', KEYS[1])", [key], ["seen "])
    await redis().set(key, "1")
    await script.run()  # known to the node from now on
    replies = await one_round_trip(script, ("GET", key), ("INCR", key))
    assert replies == ["seen 1", "1", 2]


async def test_a_script_the_node_does_not_know_yet_runs_by_its_text(clean_redis):
    key = live_key()
    marker = uuid.uuid4().hex  # a script text never sent before: its SHA is unknown to Redis
    script = Script(f"redis.call('SET', KEYS[1], '{marker}') return '{marker}'", [key], [])
    assert await one_round_trip(script, ("GET", key)) == [marker, None]  # the GET was sent before the script ran again
    assert await redis().get(key) == marker


async def test_a_failed_call_has_its_error_as_its_reply_and_the_others_are_done(clean_redis):
    text_key, count_key = live_key(), live_key()
    await redis().set(text_key, "not a hash")
    replies = await one_round_trip(("INCR", count_key), ("HGET", text_key, "field"), ("INCR", count_key))
    assert replies[0] == 1 and replies[2] == 2
    assert isinstance(replies[1], ResponseError)
    assert failed(replies) is replies[1]
    assert failed([1, None, "x"]) is None


async def test_commands_issued_in_one_turn_of_the_loop_keep_their_order(clean_redis):
    key = live_key()
    replies = await asyncio.gather(
        batched("SET", key, "a"), batched("GET", key), batched("APPEND", key, "b"), batched("GET", key))
    assert replies == [True, "a", 2, "ab"]


async def test_each_of_many_coroutines_gets_its_own_reply(clean_redis):
    keys = [live_key() for _ in range(200)]

    async def count_twice(key: str) -> list:
        return [await batched("INCR", key), await run_script("return redis.call('INCR', KEYS[1])", [key], []),
                await batched("GET", key)]

    assert await asyncio.gather(*(count_twice(key) for key in keys)) == [[1, 2, "2"]] * len(keys)


async def test_an_error_reply_fails_only_its_caller(clean_redis):
    text_key, count_key = live_key(), live_key()
    await redis().set(text_key, "not a hash")
    counted, refused = await asyncio.gather(
        batched("INCR", count_key), batched("HGET", text_key, "field"), return_exceptions=True)
    assert counted == 1
    assert isinstance(refused, ResponseError)


async def test_commands_wait_while_pipelines_are_out_then_go_together(clean_redis, monkeypatch):
    sizes = []
    send = habbo_redis._send

    async def counted(calls):
        sizes.append(len(calls))
        await send(calls)

    monkeypatch.setattr(habbo_redis, "_send", counted)
    key = live_key()
    busy = []
    for _ in range(IN_FLIGHT):
        busy.append(asyncio.ensure_future(run_script(BUSY, [key], [300_000])))
        await asyncio.sleep(0.01)  # out in a pipeline of its own
    counts = []
    for _ in range(10):  # each in a later turn of the loop, while the busy pipelines are out
        counts.append(asyncio.ensure_future(batched("INCR", key)))
        await asyncio.sleep(0.001)
    assert await asyncio.gather(*busy) == [1] * IN_FLIGHT
    assert await asyncio.gather(*counts) == list(range(1, 11))
    assert sizes == [1] * IN_FLIGHT + [10]


async def test_a_redis_out_of_reach_fails_every_call(settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there; this test's loop gets its own client
    replies = await asyncio.gather(batched("GET", "a"), batched("GET", "b"), return_exceptions=True)
    assert all(isinstance(reply, REDIS_DOWN) for reply in replies), replies
    with pytest.raises(REDIS_DOWN):
        await one_round_trip(("GET", "a"), ("GET", "b"))
