"""The word filter on a gift's note: the purchase event carries it filtered,
and a word that opens a ticket reports the buyer (habbo.wordfilter)."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from economy.tests.conftest import befriend
from habbo.bus.topics import MODERATION, PURCHASES
from habbo.models import FilteredWord

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_word_list")]


def test_a_gift_note_is_filtered_in_the_purchase_event(kafka, make_player, offer):
    FilteredWord.objects.create(word="ass")
    FilteredWord.objects.create(word="zonk", opens_ticket=True)
    alice, bob = make_player("alice"), make_player("bob")
    befriend(alice, bob)
    lamp = offer(price=12, name="Gift lamp")
    client = Client()
    client.force_login(alice)
    body = {"offer": lamp.pk, "quantity": 1, "key": str(uuid.uuid4()), "gift_to": "bob", "note": "For my 4ss, zonk!"}
    assert client.post(reverse("economy-purchase"), json.dumps(body), content_type="application/json").status_code == 202

    [purchase] = [json.loads(m.value())["payload"] for m in kafka.read(PURCHASES.full_name, 1)]
    assert purchase["note"] == "For my bobba, bobba!"
    [ticket] = [json.loads(m.value())["payload"] for m in kafka.read(MODERATION.full_name, 1)]
    assert (ticket["about"], ticket["about_user_id"], ticket["quote"]) == ("word", alice.pk, "For my 4ss, zonk!")
