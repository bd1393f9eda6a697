"""The web process: Daphne serving habbo.asgi on 127.0.0.1, with the options
the Procfile, the tests and the benchmarks share.

    python -m habbo.web PORT [daphne options]

An option that takes a value, given again, overrides the value here.
"""

import logging
import sys
from importlib import metadata

import environ

from habbo import daphne_sweeps, direct_frames, eager_writes, quiet_autobahn

log = logging.getLogger(__name__)

# The size limits bound what the server sends as well, and a full room's
# snapshot can pass 256 KiB; habbo.sockets refuses client messages over 16 KiB.
MAX_MESSAGE_BYTES = 1024 * 1024
MAX_FRAME_BYTES = 16 * 1024
# Connections waiting to be accepted. Twisted's default of 50 overflowed when
# hundreds of players entered at once, and the kernel reset the late ones.
BACKLOG = 1024


def daphne_args(port: int | str, *extra: str) -> list[str]:
    # Daphne takes the client's address from the leftmost X-Forwarded-For
    # entry: trusted only behind a proxy that overwrites the header, or any
    # client would choose the address that login and sign-up limits count.
    proxy = ["--proxy-headers"] if environ.Env().bool("PROXY_HEADERS", default=False) else []
    return [
        "-e", f"tcp:port={port}:interface=127.0.0.1:backlog={BACKLOG}",
        *proxy,
        "--websocket-max-message-size", str(MAX_MESSAGE_BYTES),
        "--websocket-max-frame-size", str(MAX_FRAME_BYTES),
        "--ping-interval", "20",
        "--ping-timeout", "30",
        *extra,
        "habbo.asgi:application",
    ]


def apply_shortcuts(enabled: bool) -> list[str]:
    """Apply the measured shortcuts under Daphne (habbo.eager_writes,
    habbo.direct_frames, habbo.daphne_sweeps, habbo.quiet_autobahn;
    bench/README.md) if enabled; returns those applied.

    Each reaches into a library's internals, which another version may have
    moved: under versions other than those it was written for it is left off
    with a warning and its writes take the plain path, slower but correct. A
    hotel that refused to start over a speed-up would be worse; the tests fail
    loudly instead when the lock and the shortcuts disagree."""
    if not enabled:
        log.info("Daphne shortcuts off (DAPHNE_SHORTCUTS=false): every frame takes the plain path")
        return []
    applied = []
    for shortcut in (eager_writes, direct_frames, daphne_sweeps, quiet_autobahn):
        installed = {name: metadata.version(name) for name in shortcut.WRITTEN_FOR}
        if installed != shortcut.WRITTEN_FOR:
            log.warning(
                "%s left off: written for %s, but %s is installed; its writes take the plain, slower path. "
                "Check it against these versions, then update its WRITTEN_FOR and requirements.lock.",
                shortcut.__name__, shortcut.WRITTEN_FOR, installed,
            )
            continue
        shortcut.install()
        applied.append(shortcut.__name__)
    log.info("Daphne shortcuts applied: %s", ", ".join(applied) or "none")
    return applied


def main(argv: list[str]) -> None:
    if not argv or not argv[0].isdigit():
        sys.exit(__doc__)
    # Imported here: Daphne installs Twisted's asyncio reactor on import.
    from daphne.cli import CommandLineInterface

    CommandLineInterface().run(daphne_args(argv[0], *argv[1:]))


if __name__ == "__main__":
    main(sys.argv[1:])
