"""The friend rules applied to whole batches: a batch must give exactly what
its events give one at a time, in order."""

import pytest
from django.db import transaction

from friends.events import FriendAccepted, FriendDeclined, FriendRemoved, FriendRequested
from friends.models import FriendRequest, Friendship
from friends.rules import FRIEND_LIMIT, apply_friend_events, pair
from habbo.bus.events import InvalidEvent

pytestmark = [pytest.mark.django_db, pytest.mark.durable]


@pytest.fixture
def pushes(monkeypatch, django_capture_on_commit_callbacks):
    """The (user id, kind, data) pushed after each applied batch."""
    sent = []
    monkeypatch.setattr(
        "habbo.bus.push.group_send_all",
        lambda batch: sent.extend((int(g.removeprefix("user.")), m["kind"], m["data"]) for g, m in batch),
    )

    def apply(*events):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            apply_friend_events([(event, event.envelope(actor=actor)) for event, actor in events])

    apply.sent = sent
    return apply


def request(a, b):
    return FriendRequested(sender_id=a.pk, recipient_id=b.pk), a.pk


def befriend(a, b):
    low, high = pair(a.pk, b.pk)
    Friendship.objects.create(user_low_id=low, user_high_id=high)


def test_crossing_requests_in_one_batch_make_one_friendship(pushes, make_player):
    alice, bob = make_player("alice"), make_player("bob")
    pushes(request(alice, bob), request(bob, alice))
    assert list(Friendship.objects.values_list("user_low", "user_high")) == [pair(alice.pk, bob.pk)]
    [made] = FriendRequest.objects.all()
    assert (made.sender, made.recipient, made.status) == (alice, bob, "accepted")
    kinds = [(user, kind) for user, kind, _ in pushes.sent]
    assert kinds == [
        (bob.pk, "friend.requested"),
        (alice.pk, "friend.request_sent"),
        (alice.pk, "friend.accepted"),
        (bob.pk, "friend.accepted"),
    ]
    assert pushes.sent[0][2]["request"] == {"id": made.pk, "from": {"id": alice.pk, "name": "alice", "figure": alice.figure}}
    assert pushes.sent[2][2]["friend"]["name"] == "bob" and pushes.sent[2][2]["friend"]["online"] is False


def test_a_repeated_request_in_one_batch_is_refused(pushes, make_player):
    alice, bob = make_player("alice"), make_player("bob")
    pushes(request(alice, bob), request(alice, bob))
    assert FriendRequest.objects.filter(status="pending").count() == 1
    assert pushes.sent[-1] == (alice.pk, "friend.refused", {"message": "Your request to bob is still waiting."})


def test_a_decline_and_a_new_request_in_one_batch(pushes, make_player):
    alice, bob = make_player("alice"), make_player("bob")
    old = FriendRequest.objects.create(sender=alice, recipient=bob)
    pushes(
        (FriendDeclined(sender_id=alice.pk, recipient_id=bob.pk, request_id=old.pk), bob.pk),
        request(alice, bob),
        (FriendAccepted(sender_id=alice.pk, recipient_id=bob.pk, request_id=old.pk), bob.pk),
    )
    old.refresh_from_db()
    assert old.status == "declined" and old.decided_at is not None
    assert FriendRequest.objects.filter(status="pending", sender=alice, recipient=bob).exclude(pk=old.pk).count() == 1
    assert not Friendship.objects.exists()
    assert pushes.sent[-1] == (bob.pk, "friend.refused", {"message": "You have already answered that request."})


def test_removed_and_friends_again_in_one_batch(pushes, make_player):
    alice, bob, carol = make_player("alice"), make_player("bob"), make_player("carol")
    befriend(alice, bob)
    befriend(alice, carol)
    pushes(
        (FriendRemoved(sender_id=alice.pk, recipient_id=bob.pk), alice.pk),
        request(bob, alice),
        request(alice, bob),
        (FriendRemoved(sender_id=carol.pk, recipient_id=alice.pk), carol.pk),
    )
    assert set(Friendship.objects.values_list("user_low", "user_high")) == {pair(alice.pk, bob.pk)}
    assert list(FriendRequest.objects.values_list("status", flat=True)) == ["accepted"]
    assert [k for _, k, _ in pushes.sent].count("friend.removed") == 4


def test_the_friend_limit_counts_what_the_batch_added(pushes, make_player, django_user_model):
    star = make_player("star")
    fans = django_user_model.objects.bulk_create(
        [django_user_model(username=f"fan{i:03d}") for i in range(FRIEND_LIMIT + 1)]
    )
    Friendship.objects.bulk_create([Friendship(user_low_id=min(star.pk, f.pk), user_high_id=max(star.pk, f.pk))
                                    for f in fans[: FRIEND_LIMIT - 2]])
    late = fans[FRIEND_LIMIT - 2 :]
    waiting = [FriendRequest.objects.create(sender=fan, recipient=star) for fan in late]
    pushes(*[(FriendAccepted(sender_id=r.sender_id, recipient_id=star.pk, request_id=r.pk), star.pk) for r in waiting])
    assert Friendship.objects.count() == FRIEND_LIMIT
    assert sorted(FriendRequest.objects.values_list("status", flat=True)) == ["accepted", "accepted", "pending"]
    assert pushes.sent[-1] == (star.pk, "friend.refused", {"message": f"One of you already has {FRIEND_LIMIT} friends."})


@pytest.mark.parametrize(
    "forge, error",
    [
        (lambda a, b, r: (FriendAccepted(sender_id=a.pk, recipient_id=b.pk, request_id=r.pk), a.pk), "cannot act for"),
        (lambda a, b, r: (FriendAccepted(sender_id=b.pk, recipient_id=a.pk, request_id=r.pk), a.pk), "no request"),
        (lambda a, b, r: (FriendRequested(sender_id=a.pk, recipient_id=b.pk + 999), a.pk), "unknown player"),
    ],
)
def test_a_forged_event_refuses_the_batch_and_writes_nothing(pushes, make_player, forge, error):
    alice, bob, carol = make_player("alice"), make_player("bob"), make_player("carol")
    asked = FriendRequest.objects.create(sender=alice, recipient=bob)
    with pytest.raises(InvalidEvent, match=error):
        pushes(request(carol, alice), forge(alice, bob, asked))
    assert list(FriendRequest.objects.all()) == [asked]
    assert pushes.sent == []
