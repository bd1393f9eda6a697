"""habbo.redis.one_round_trip against the real Redis: scripts and commands
sent together, their replies in order, a script the node does not know yet,
and one call failing while the others are done."""

import uuid

from redis.exceptions import ResponseError

from habbo.redis import Script, failed, one_round_trip, redis


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
