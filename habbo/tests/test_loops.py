"""habbo.loops.per_loop: one object per event loop, also when loops alternate or run in threads."""

import asyncio
import threading

from habbo.loops import per_loop


def test_each_loop_gets_its_own_object_and_keeps_it():
    made = per_loop(object)

    async def twice():
        return made(), made()

    first_a, first_b = asyncio.run(twice())
    second_a, second_b = asyncio.run(twice())
    assert first_a is first_b
    assert second_a is second_b
    assert first_a is not second_a


def test_alternating_loops_find_their_own_object_again():
    made = per_loop(object)
    one, two = asyncio.new_event_loop(), asyncio.new_event_loop()

    async def get():
        return made()

    try:
        seen = [(one.run_until_complete(get()), two.run_until_complete(get())) for _ in range(3)]
    finally:
        one.close()
        two.close()
    assert all(a is seen[0][0] and b is seen[0][1] for a, b in seen)
    assert seen[0][0] is not seen[0][1]


def test_loops_in_threads_at_once_never_get_another_loops_object():
    made = per_loop(object)
    wrong = []
    start = threading.Barrier(4)

    def run():
        async def many():
            mine = made()
            for _ in range(20_000):
                if made() is not mine:
                    wrong.append(1)

        start.wait()
        asyncio.run(many())

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
