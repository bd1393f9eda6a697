"""The caches an entry reads (habbo.socket_user, habbo.versions): they are
used, and a read that a write overtook is never used again. That a change
reaches the next socket through the whole stack is rooms/tests/test_entry_cache.py."""

import uuid

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from habbo import socket_user, versions
from habbo.sessions import SessionStore
from habbo.versions import LocalCache

pytestmark = pytest.mark.django_db


def test_a_player_read_once_is_read_again_without_the_database(make_player, django_assert_num_queries):
    alice = make_player("alice", motto="hi")
    socket_user.cached_user(alice.pk)
    with django_assert_num_queries(0):
        kept = socket_user.cached_user(alice.pk)
    assert (kept.pk, kept.username, kept.motto, kept.figure) == (alice.pk, "alice", "hi", alice.figure)
    assert kept.get_session_auth_hash() == alice.get_session_auth_hash()
    with django_assert_num_queries(1):
        assert kept.credits == alice.credits  # not kept: read from the database when touched


def test_a_read_overtaken_by_a_write_is_not_used(make_player, monkeypatch, django_assert_num_queries):
    alice = make_player("alice")
    taken = versions.current

    def current_then_a_write(kind, owner, *also):
        token, values = taken(kind, owner, *also)
        versions.bump(kind, owner)  # a save lands between taking the token and reading the row
        return token, values

    monkeypatch.setattr(versions, "current", current_then_a_write)
    socket_user.cached_user(alice.pk)
    monkeypatch.setattr(versions, "current", taken)
    with django_assert_num_queries(1):
        socket_user.cached_user(alice.pk)


def test_a_login_keeps_the_copy(make_player, client, django_assert_num_queries):
    """A login saves last_login only, which no socket reads."""
    alice = make_player("alice")
    socket_user.cached_user(alice.pk)
    client.force_login(alice)
    with django_assert_num_queries(0):
        socket_user.cached_user(alice.pk)


def test_a_login_makes_the_copy_the_first_socket_reads(make_player, client, django_assert_num_queries):
    alice = make_player("alice")
    assert client.post(reverse("login"), {"username": "alice", "password": "pass-word-123"}).status_code == 302
    with django_assert_num_queries(0):
        kept = socket_user.cached_user(alice.pk)
    assert (kept.pk, kept.username) == (alice.pk, "alice")


async def test_a_process_keeps_what_it_read_until_a_write():
    cache, owner, reads = LocalCache("test", size=10), uuid.uuid4(), []

    async def read():
        reads.append(owner)
        return len(reads)

    async def read_overtaken():
        reads.append(owner)
        await sync_to_async(versions.bump)("test", owner)
        return len(reads)

    assert await cache.get(owner, read) == 1
    assert await cache.get(owner, read) == 1
    await sync_to_async(versions.bump)("test", owner)
    assert await cache.get(owner, read_overtaken) == 2
    assert await cache.get(owner, read) == 3  # what was read under the replaced token is not used
    assert await cache.get(owner, read) == 3


async def _logged_in(make_player):
    """A player and a test client logged in as them (the login's receivers ran)."""
    alice = await sync_to_async(make_player)("alice")
    client = Client()
    await sync_to_async(client.force_login)(alice)
    return alice, client


def _session_of(client: Client) -> SessionStore:
    return SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)


@pytest.mark.django_db(transaction=True)
async def test_a_socket_without_redis_reads_its_player_in_the_database_thread(make_player, monkeypatch,
                                                                              thread_connections_closed):
    alice, client = await _logged_in(make_player)
    session = _session_of(client)
    assert (await socket_user.socket_user(session)).pk == alice.pk

    async def down(self):
        raise RedisConnectionError("Redis is out of reach")

    monkeypatch.setattr(SessionStore, "acached", down)
    assert (await socket_user.socket_user(SessionStore(session.session_key))).pk == alice.pk


@pytest.fixture
def thread_reads(monkeypatch) -> list:
    """Counts the sockets' reads that take the database thread."""
    reads, read = [], socket_user._session_user

    def counted(session):
        reads.append(session.session_key)
        return read(session)

    monkeypatch.setattr(socket_user, "_session_user", counted)
    return reads


@pytest.mark.django_db(transaction=True)
async def test_an_inactive_player_is_refused_on_the_event_loop(make_player, thread_reads, thread_connections_closed):
    alice, client = await _logged_in(make_player)
    session = _session_of(client)
    assert await session.acached() == await sync_to_async(session._cache.get)(session.cache_key)  # Django's own value

    def deactivate():
        alice.is_active = False
        alice.save(update_fields=["is_active"])
        socket_user.cached_user(alice.pk)  # the copy is kept again, inactive

    await sync_to_async(deactivate)()
    assert isinstance(await socket_user.socket_user(_session_of(client)), AnonymousUser)
    assert thread_reads == []
    assert await _session_of(client).acached() is not None  # refused, not logged out


@pytest.mark.django_db(transaction=True)
async def test_a_changed_password_ends_the_session_through_the_database_thread(make_player, thread_reads,
                                                                               thread_connections_closed):
    alice, client = await _logged_in(make_player)

    def change_password():
        alice.set_password("another-pass-word-456")
        alice.save()
        socket_user.cached_user(alice.pk)  # another session's socket keeps the new copy

    await sync_to_async(change_password)()
    key = _session_of(client).session_key
    assert isinstance(await socket_user.socket_user(SessionStore(key)), AnonymousUser)
    assert thread_reads == [key]
    assert await SessionStore(key).acached() is None
    assert not await sync_to_async(SessionStore().exists)(key)
