"""The Redis Cluster of `scripts/services up redis-cluster` as the cluster
tests see it (helpers, not tests): its nodes, which master serves a key,
killing a node with SIGKILL, bringing it back, and waiting until the
cluster serves every slot again."""

import os
import signal
import subprocess
import time

import redis

from conftest import ROOT, wait_for

SERVICES = str(ROOT / "scripts" / "services")
HOST = "127.0.0.1"
PORTS = (7391, 7392, 7393, 7394, 7395, 7396)  # REDIS_CLUSTER_PORTS in scripts/lib.sh
SLOTS = 16384


def env() -> dict[str, str]:
    """The settings of a hotel process on the cluster, as scripts/test-cluster
    gives them: one node to start from, and the masters the cluster was
    created with as the channel layer's hosts."""
    return {
        "REDIS_CLUSTER": "true",
        "REDIS_URL": f"redis://{HOST}:{PORTS[0]}/0",
        "CHANNEL_LAYER_HOSTS": ",".join(f"redis://{HOST}:{port}/0" for port in PORTS[:3]),
    }


def addresses() -> list[str]:
    return [f"{HOST}:{port}" for port in PORTS]


def node(port: int) -> redis.Redis:
    """A plain client of this one node (cluster commands, INFO), not the cluster client."""
    return redis.Redis(host=HOST, port=port, decode_responses=True, socket_timeout=2, socket_connect_timeout=2)


def pid(port: int) -> int:
    return int((ROOT / "var" / "redis-cluster" / str(port) / "redis.pid").read_text())


def running(port: int) -> bool:
    """The node's process is alive (a killed one may linger as a zombie until reaped)."""
    try:
        with open(f"/proc/{pid(port)}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ValueError):
        return False


def _ask(*command, ports=PORTS):
    """The answer of the first running node that gives one."""
    for port in ports:
        if running(port):
            try:
                return node(port).execute_command(*command)
            except redis.ConnectionError:
                continue
    raise AssertionError("no node of the Redis Cluster answers")


def slots(port: int | None = None) -> list[tuple[int, int, int, list[int]]]:
    """(first slot, last slot, master's port, replicas' ports) of every range,
    as the node at port (or the first that answers) sees them."""
    answer = _ask("CLUSTER SLOTS", ports=(port,) if port else PORTS)
    return [(first, last, int(master[1]), [int(r[1]) for r in replicas]) for first, last, master, *replicas in answer]


def slot_of(key: str) -> int:
    return int(_ask("CLUSTER KEYSLOT", key))


def master_of(key: str) -> int:
    """The port of the master that serves the key's slot."""
    slot = slot_of(key)
    return next(master for first, last, master, _ in slots() if first <= slot <= last)


def masters() -> list[int]:
    return sorted({master for _, _, master, _ in slots()})


def replica_of(master: int) -> int:
    """The port of a replica connected to this master, as the master tells it (ROLE)."""
    role, _, replicas = node(master).execute_command("ROLE")
    assert role == "master" and replicas, f"Redis node {master} is no master with a replica"
    return int(replicas[0][1])


def kill(port: int) -> None:
    """SIGKILL the node, as a crashed machine: no goodbye to the cluster."""
    os.kill(pid(port), signal.SIGKILL)
    wait_for(lambda: not running(port), timeout=10, what=f"Redis node {port} to die")


def restart() -> None:
    """Start every stopped node again with the scripts' own command line; it
    rejoins the cluster from its nodes.conf (a killed master as its
    successor's replica). Returns once every master has a linked replica."""
    subprocess.run([SERVICES, "up", "redis-cluster"], check=True, stdout=subprocess.DEVNULL)


def serves_every_slot() -> bool:
    """Every running node says cluster_state ok and sees all slots on running masters."""
    live = [port for port in PORTS if running(port)]
    try:
        for port in live:
            info = node(port).execute_command("CLUSTER INFO")
            if info["cluster_state"] != "ok" or int(info["cluster_slots_ok"]) != SLOTS:
                return False
            ranges = slots(port)
            if sum(last - first + 1 for first, last, master, _ in ranges if master in live) != SLOTS:
                return False
    except redis.ConnectionError:
        return False
    return True


def wait_serving(timeout: float = 30) -> float:
    """Wait until the cluster serves every slot again (after a kill: until a
    replica took over); return the seconds it took."""
    start = time.monotonic()
    wait_for(serves_every_slot, timeout=timeout, interval=0.05, what="the Redis Cluster to serve every slot")
    return time.monotonic() - start
