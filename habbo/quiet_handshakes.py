"""autobahn's debug lines, formatted only when autobahn logs at debug.

Every new WebSocket connection runs autobahn's `_connectionMade`, which
pretty-prints its 29 options for a debug line: `pformat` is called before
the logger finds debug off and drops the line. That was about 0.2 ms of a
web process's CPU per connection, a sixth of a bare Daphne handshake
(bench/README.md, "Entering"). Here the module's `pformat` formats when
txaio's global log level is debug or trace, and otherwise returns a
placeholder that nobody sees. Its two other uses in that module change the
same way: a client's handshake debug line, and `Timings.__str__` (timings
autobahn keeps only with `trackTimings`, which the hotel never sets).

It swaps a name in autobahn's module, so it is written for the version
below; habbo.web leaves it off under any other.
"""

from pprint import pformat

import txaio
from autobahn.websocket import protocol

WRITTEN_FOR = {"autobahn": "26.11.1", "txaio": "26.6.1"}

NOT_FORMATTED = "(not formatted: autobahn's log level is above debug)"


def _pformat_when_debugging(obj, *args, **kwargs) -> str:
    if txaio.get_global_log_level() in ("debug", "trace"):
        return pformat(obj, *args, **kwargs)
    return NOT_FORMATTED


def install() -> None:
    """Swap autobahn's `pformat` (idempotent)."""
    protocol.pformat = _pformat_when_debugging
