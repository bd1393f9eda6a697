"""A player's friend ids are kept in Redis (friends.friend_cache) and stay
right: each test reads them once, so they are kept, then changes a
friendship the way the hotel does (the friends consumer's batch, or one row
saved or deleted) and reads again. Real Redis and PostgreSQL."""

import json

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction
from redis.exceptions import ConnectionError as RedisConnectionError

from friends import friend_cache
from friends.events import FriendAccepted, FriendRemoved, FriendRequested
from friends.friend_cache import cached_friend_ids, kept_friend_ids
from friends.models import FriendRequest, Friendship
from friends.rules import apply_friend_events, pair
from habbo import versions
from habbo.redis import sync_redis


@pytest.fixture
def consume(monkeypatch, django_capture_on_commit_callbacks):
    """Apply events as the friends consumer does: one batch in one committed transaction."""
    monkeypatch.setattr("habbo.bus.push.group_send_all", lambda batch: None)

    def apply(*events):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            apply_friend_events([(event, event.envelope(actor=actor)) for event, actor in events])

    return apply


def befriend(a, b) -> Friendship:
    low, high = pair(a.pk, b.pk)
    return Friendship.objects.create(user_low_id=low, user_high_id=high)


@pytest.mark.django_db
def test_a_second_read_with_nothing_changed_asks_no_database(make_player, django_assert_num_queries):
    alice, bob = make_player("alice"), make_player("bob")
    befriend(alice, bob)
    with django_assert_num_queries(1):
        assert kept_friend_ids(alice.pk) == [bob.pk]
    with django_assert_num_queries(0):
        assert kept_friend_ids(alice.pk) == [bob.pk]


@pytest.mark.django_db
def test_a_friendship_made_by_the_friends_consumer_replaces_both_copies(make_player, consume):
    alice, bob = make_player("alice"), make_player("bob")
    assert (kept_friend_ids(alice.pk), kept_friend_ids(bob.pk)) == ([], [])
    consume((FriendRequested(sender_id=alice.pk, recipient_id=bob.pk), alice.pk))
    request = FriendRequest.objects.get()
    consume((FriendAccepted(sender_id=alice.pk, recipient_id=bob.pk, request_id=request.pk), bob.pk))
    assert (kept_friend_ids(alice.pk), kept_friend_ids(bob.pk)) == ([bob.pk], [alice.pk])


@pytest.mark.django_db
def test_a_removal_by_the_friends_consumer_replaces_both_copies(make_player, consume):
    alice, bob, carol = make_player("alice"), make_player("bob"), make_player("carol")
    befriend(alice, bob)
    befriend(alice, carol)
    assert sorted(kept_friend_ids(alice.pk)) == sorted([bob.pk, carol.pk])
    assert kept_friend_ids(bob.pk) == [alice.pk]
    consume((FriendRemoved(sender_id=bob.pk, recipient_id=alice.pk), bob.pk))
    assert not Friendship.objects.filter(user_low=min(alice.pk, bob.pk), user_high=max(alice.pk, bob.pk)).exists()
    assert (kept_friend_ids(alice.pk), kept_friend_ids(bob.pk)) == ([carol.pk], [])


@pytest.mark.django_db
def test_a_batch_replaces_every_changed_player_in_one_round_trip(make_player, consume, monkeypatch):
    players = [make_player(f"p{i}") for i in range(6)]
    for player in players:
        kept_friend_ids(player.pk)
    pipelines = []
    real = versions.sync_redis

    def counting():
        client = real()
        pipeline = client.pipeline

        class Client:
            def pipeline(self, **kwargs):
                pipelines.append(kwargs)
                return pipeline(**kwargs)

            def __getattr__(self, name):  # the rest as the real client
                return getattr(client, name)

        return Client()

    monkeypatch.setattr(versions, "sync_redis", counting)
    # Three pairs asking each other: three friendships in one batch.
    consume(*[(FriendRequested(sender_id=a.pk, recipient_id=b.pk), a.pk)
              for a, b in zip(players[::2], players[1::2])],
            *[(FriendRequested(sender_id=b.pk, recipient_id=a.pk), b.pk)
              for a, b in zip(players[::2], players[1::2])])
    assert len(pipelines) == 2, "one pipeline at the write, one at the commit"
    assert [kept_friend_ids(p.pk) for p in players] == [[players[i ^ 1].pk] for i in range(6)]


@pytest.mark.django_db
def test_one_row_saved_or_deleted_replaces_both_copies(make_player):
    alice, bob = make_player("alice"), make_player("bob")
    assert (kept_friend_ids(alice.pk), kept_friend_ids(bob.pk)) == ([], [])
    friendship = befriend(alice, bob)  # as the admin, scripts and tests' helpers do
    assert (kept_friend_ids(alice.pk), kept_friend_ids(bob.pk)) == ([bob.pk], [alice.pk])
    friendship.delete()
    assert (kept_friend_ids(alice.pk), kept_friend_ids(bob.pk)) == ([], [])


@pytest.mark.django_db
def test_a_friendship_moved_to_another_pair_replaces_the_old_pairs_copies(make_player):
    alice, bob, carol = make_player("alice"), make_player("bob"), make_player("carol")
    friendship = befriend(alice, bob)
    assert kept_friend_ids(bob.pk) == [alice.pk]
    friendship = Friendship.objects.get(pk=friendship.pk)  # as the admin's change form has it
    friendship.user_low_id, friendship.user_high_id = pair(alice.pk, carol.pk)
    friendship.save()
    assert (kept_friend_ids(bob.pk), kept_friend_ids(carol.pk)) == ([], [alice.pk])


@pytest.mark.django_db
def test_a_new_player_does_not_get_a_copy_kept_for_an_earlier_player_of_that_id(make_player, django_user_model):
    bob = make_player("bob")
    new_id = bob.pk + 1000
    # As a database made anew gives ids out again: a copy kept for the id's earlier player.
    token, _ = versions.current(friend_cache.KIND, new_id)
    sync_redis().set(friend_cache._key(new_id), json.dumps({"token": token, "value": [bob.pk]}), ex=60)
    assert kept_friend_ids(new_id) == [bob.pk]
    django_user_model.objects.create_user(pk=new_id, username="carol", password="pass-word-123")
    assert kept_friend_ids(new_id) == []


@pytest.mark.django_db
def test_without_redis_the_ids_are_read_from_the_database(make_player, monkeypatch):
    alice, bob = make_player("alice"), make_player("bob")
    assert kept_friend_ids(alice.pk) == []
    Friendship.objects.bulk_create([Friendship(user_low_id=min(alice.pk, bob.pk), user_high_id=max(alice.pk, bob.pk))])

    def down(*args, **kwargs):
        raise RedisConnectionError("Redis is out of reach")

    monkeypatch.setattr(versions, "current", down)
    assert kept_friend_ids(alice.pk) == [bob.pk]  # not the copy, kept without this (unsignalled) write


@pytest.mark.django_db(transaction=True)
async def test_the_event_loop_reads_a_kept_copy_without_the_database_thread(make_player, monkeypatch,
                                                                            thread_connections_closed):
    alice, bob = await sync_to_async(make_player)("alice"), await sync_to_async(make_player)("bob")
    queries = []
    query = friend_cache.friend_ids
    monkeypatch.setattr(friend_cache, "friend_ids", lambda user_id: queries.append(user_id) or query(user_id))
    assert await cached_friend_ids(alice.pk) == []
    assert await cached_friend_ids(alice.pk) == []
    assert queries == [alice.pk]
    await sync_to_async(befriend)(alice, bob)
    assert await cached_friend_ids(alice.pk) == [bob.pk]
    assert queries == [alice.pk, alice.pk]


@pytest.mark.django_db(transaction=True)
async def test_the_event_loop_without_redis_reads_the_database(make_player, monkeypatch, thread_connections_closed):
    alice, bob = await sync_to_async(make_player)("alice"), await sync_to_async(make_player)("bob")
    await sync_to_async(befriend)(alice, bob)

    class Down:
        async def mget(self, *keys):
            raise RedisConnectionError("Redis is out of reach")

    def down(*args, **kwargs):
        raise RedisConnectionError("Redis is out of reach")

    monkeypatch.setattr(versions, "redis", Down)
    monkeypatch.setattr(versions, "current", down)
    assert await cached_friend_ids(alice.pk) == [bob.pk]
