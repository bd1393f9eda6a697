"""Objects kept once per event loop (tests run several loops in one process)."""

import asyncio
import weakref
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def per_loop(make: Callable[[], T]) -> Callable[[], T]:
    """A function that returns the running loop's object, made on first use."""
    made: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T]" = weakref.WeakKeyDictionary()

    def get() -> T:
        loop = asyncio.get_running_loop()
        try:  # one lookup: called several times a frame, each lookup makes a weak reference
            return made[loop]
        except KeyError:
            made[loop] = obj = make()
            return obj

    get.__doc__ = make.__doc__
    return get
