"""The web process's garbage collector, for many long-lived sockets.

- What is loaded by the time the application is built lives as long as the
  process: it is frozen out of every collection (a full collection of a
  process with a thousand room sockets paused it for hundreds of ms).
- A larger youngest generation (20,000): a frame's, a walk's and a request's
  objects die there instead of being promoted, so full collections come far
  less often.
- The young generations are collected every YOUNG_EVERY_S as well. CPython
  counts allocations minus deallocations towards the next collection, so
  while a busy process replaces old objects with new ones (a socket's
  avatar after each walk, its state after each frame) the young generations
  fill up without the count moving. The collection that finally comes then
  walks through everything since: 100–330 ms with 10,000 players
  (bench/README.md, "10,000 players"). Collected every second, each holds
  what one second made.
"""

import gc

YOUNG_EVERY_S = 1.0


def tune() -> None:
    """Called once, when the application is built (habbo.asgi)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)
    # Daphne installs Twisted's asyncio reactor before it loads the application.
    from twisted.internet import reactor, task

    reactor.callWhenRunning(task.LoopingCall(gc.collect, 1).start, YOUNG_EVERY_S, now=False)
