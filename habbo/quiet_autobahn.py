"""autobahn's debug lines, formatted only when autobahn logs at debug.

autobahn computes the arguments of its debug lines before the logger finds
debug off and drops the line:
- every new WebSocket connection runs `_connectionMade`, which pretty-prints
  its 29 options (`pformat`): about 0.2 ms of a web process's CPU per
  connection, a sixth of a bare Daphne handshake;
- every frame written to a socket runs `sendData`, which styles the
  method's name and two values for the terminal (`hltype`, `hlval`: five
  `click.style` calls), 2.4 % of the web processes' samples while players
  enter (bench/README.md, "Entering").
Here the module's `pformat`, `hltype` and `hlval` format when txaio's global
log level is debug or trace, and otherwise return a placeholder that nobody
sees. In that module they are used only for debug lines and for
`Timings.__str__` (timings autobahn keeps only with `trackTimings`, which the
hotel never sets).

It swaps names in autobahn's module, so it is written for the version
below; habbo.web leaves it off under any other.
"""

from pprint import pformat

import txaio
from autobahn.util import hltype, hlval
from autobahn.websocket import protocol

WRITTEN_FOR = {"autobahn": "26.11.1", "txaio": "26.6.1"}

NOT_FORMATTED = "(not formatted: autobahn's log level is above debug)"


def _when_debugging(formatter):
    def formatted(*args, **kwargs) -> str:
        if txaio.get_global_log_level() in ("debug", "trace"):
            return formatter(*args, **kwargs)
        return NOT_FORMATTED

    return formatted


def install() -> None:
    """Swap autobahn's formatters (idempotent)."""
    protocol.pformat = _when_debugging(pformat)
    protocol.hltype = _when_debugging(hltype)
    protocol.hlval = _when_debugging(hlval)
