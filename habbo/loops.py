"""Objects kept once per event loop (tests run several loops in one process)."""

import asyncio
import weakref
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def per_loop(make: Callable[[], T]) -> Callable[[], T]:
    """A function that returns the running loop's object, made on first use."""
    made: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T]" = weakref.WeakKeyDictionary()
    # The last loop asked for and its object, as one tuple (loops in other
    # threads may replace it meanwhile): a process runs one loop, and this is
    # called many times an entry, where a lookup in `made` makes a weak
    # reference each time (half the cost).
    last: tuple = (lambda: None, None)

    def get() -> T:
        nonlocal last
        loop = asyncio.get_running_loop()
        last_loop, obj = last
        if last_loop() is loop:
            return obj
        try:
            obj = made[loop]
        except KeyError:
            made[loop] = obj = make()
        last = (weakref.ref(loop), obj)
        return obj

    get.__doc__ = make.__doc__
    return get
