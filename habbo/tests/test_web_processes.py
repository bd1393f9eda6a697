"""Web processes alive (the Hotel status page): each real daphne process
keeps its key in Redis while it runs; a process stopped cleanly removes it,
a killed one's expires."""

import pytest

from conftest import wait_for
from habbo import web_processes
from habbo.redis import sync_redis

pytestmark = pytest.mark.django_db(transaction=True)


def alive_pids() -> list[int]:
    return sorted(process.pid for process in web_processes.alive(sync_redis()))


def test_each_running_web_process_is_counted_until_it_stops(daphne_server):
    one, two = daphne_server(WEB_HEARTBEAT_S="0.5"), daphne_server(WEB_HEARTBEAT_S="0.5")
    wait_for(lambda: alive_pids() == sorted([one.proc.pid, two.proc.pid]), what="both web processes' keys")

    one.proc.terminate()
    assert one.proc.wait(20) == 0
    assert alive_pids() == [two.proc.pid], "a process stopped cleanly removes its key on the way out"

    two.proc.kill()
    two.proc.wait()
    wait_for(lambda: alive_pids() == [], what="a killed process's key to expire")
