"""Live state on a Redis Cluster (scripts/services up redis-cluster: 3
masters, each with a replica), with a master killed under load.

Players walk in rooms whose keys and frames live on different shards
(rooms.live: a room's hash tag), through web processes behind the balancer.
The master of some rooms is SIGKILLed: its replica takes over, the players
in those rooms lose their sockets (rooms.fanout), reconnect and find their
rooms; the players in rooms on the other shards notice nothing, and keep
seeing each other walk while the shard is down. The killed node comes back
(as a supervisor would restart it) as a replica of its successor."""

import asyncio
import time

import pytest

from cluster_tests import redis_cluster
from cluster_tests.test_load_balancer import Crowd, Player, all_up, balancer, percentile, start_web  # noqa: F401
from conftest import free_port, session_cookie
from rooms.live import LiveRoom
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)

WEB_PROCESSES = 2
ROOMS_PER_SIDE = 2  # rooms on the killed master, and rooms on the others
PLAYERS_PER_ROOM = 6
FLOOR = 8


@pytest.fixture
def cluster_hotel(processes, balancer, make_player):  # noqa: F811
    """Web processes on the Redis Cluster behind a balancer; the master to
    kill, the rooms it serves and rooms the other masters serve."""
    assert redis_cluster.serves_every_slot(), "the Redis Cluster is not up (scripts/services up redis-cluster)"
    ports = [free_port() for _ in range(WEB_PROCESSES)]
    for port in ports:
        start_web(processes, port, **redis_cluster.env())
    lb = balancer(ports)
    owner = make_player("owner")
    plan = "\n".join(["0" * FLOOR] * FLOOR)
    victim, on_victim, elsewhere = None, [], []
    while len(on_victim) < ROOMS_PER_SIDE or len(elsewhere) < ROOMS_PER_SIDE:
        room = Room.objects.create(owner=owner, name=f"Shard room {len(on_victim) + len(elsewhere)}",
                                   floor_plan=plan, door_x=0, door_y=0)
        master = redis_cluster.master_of(LiveRoom(room.pk).key)
        victim = victim or master
        side = on_victim if master == victim else elsewhere
        if len(side) < ROOMS_PER_SIDE:
            side.append(room)
        else:
            room.delete()

    def players(rooms: list[Room]) -> list[Player]:
        made = [(make_player(), room) for room in rooms for _ in range(PLAYERS_PER_ROOM)]
        return [Player(user.pk, session_cookie(user), room, lb) for user, room in made]

    yield lb, victim, players(on_victim), players(elsewhere)
    redis_cluster.restart()  # whatever happened, the next test finds the cluster whole


def test_a_killed_redis_master_moves_only_its_rooms_players(cluster_hotel, capsys):
    lb, victim, hit, spared = cluster_hotel

    async def scenario():
        crowd = Crowd()
        try:
            await crowd.until(lambda: all_up(lb), "every web process up in HAProxy", interval=0.2)
            await crowd.enter(hit + spared)
            await crowd.until(crowd.all_see_their_rooms, "everyone seeing everyone in their room")
            crowd.forget()

            killed_at = time.monotonic()
            redis_cluster.kill(victim)
            await crowd.until(lambda: all(p.lost for p in hit), "the sockets in the killed master's rooms closing")
            # The failover, while the spared keep walking: no harm seen on their side.
            failover_s = await asyncio.to_thread(redis_cluster.wait_serving)
            # Each spared player saw every other player of their room walk while the shard was out.
            for player in spared:
                player.walked.clear()
            await crowd.until(lambda: all(
                {other.id for other in spared if other.room == p.room and other is not p} <= p.walked
                for p in spared), "the spared players seeing each other walk")
            # The killed node's process is restarted, as a supervisor would; it rejoins as a replica.
            await asyncio.to_thread(redis_cluster.restart)
            assert redis_cluster.replica_of(redis_cluster.master_of(LiveRoom(hit[0].room.pk).key)) == victim

            await crowd.until(lambda: all(p.reconnects for p in hit), "the moved players back in their rooms")
            await crowd.until(crowd.all_see_their_rooms, "everyone seeing everyone in their room again")
            for player in hit:
                player.walked.clear()
            await crowd.until(lambda: all(
                {other.id for other in hit if other.room == p.room and other is not p} <= p.walked
                for p in hit), "the moved players seeing each other walk again")

            # /readyz answered throughout: a master down must not take every web process out of the balancer.
            assert all(row["status"] == "UP" and row["chkfail"] == "0" for row in lb.servers().values()), lb.servers()
            assert [p.id for p in spared if p.lost] == [], "a player in a room on another shard lost their socket"
            assert [f for p in spared for f in p.comings_and_goings] == [], "a spared room saw someone leave or enter"

            closed = [p.lost[0] - killed_at for p in hit]
            back = [p.lost[0] + p.reconnects[0] - killed_at for p in hit]
            with capsys.disabled():
                print(f"\nRedis master {victim} killed (SIGKILL): its replica served every slot after "
                      f"{failover_s:.2f} s; the {len(hit)} players in its rooms lost their sockets after max "
                      f"{max(closed):.2f} s and were back in their rooms after max {max(back):.2f} s "
                      f"(median {percentile(back, 50):.2f} s); the {len(spared)} players on the other shards "
                      f"kept their sockets and saw each other walk throughout")
        finally:
            await crowd.leave()

    asyncio.run(scenario())
