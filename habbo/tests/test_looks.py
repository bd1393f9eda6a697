"""GET/POST /profile/looks: the palettes the window offers are the ones the
server checks, refusals are in player words, and nothing changes on a refusal."""

import json

import pytest
from django.urls import reverse

from habbo import palettes

pytestmark = pytest.mark.django_db

GOOD = {
    "hair_style": "spiky", "hair": palettes.HAIR[3], "skin": palettes.SKIN[2], "shirt": palettes.CLOTHES[4],
    "legs": palettes.CLOTHES[1], "shoes": palettes.SHOES[2], "motto": "  Here for the pool  ",
}


def post(client, body):
    return client.post(reverse("profile-looks"), json.dumps(body), content_type="application/json")


@pytest.fixture
def player(client, make_player):
    user = make_player("alice")
    client.force_login(user)
    return user


def test_logged_out_both_answer_401_in_json(client):
    for response in (client.get(reverse("profile-looks")), post(client, GOOD)):
        assert response.status_code == 401
        assert response.json() == {"error": "not_logged_in", "message": "Log in first."}


def test_the_window_gets_the_palettes_and_the_players_looks(client, player):
    answer = client.get(reverse("profile-looks")).json()
    assert answer["palettes"]["colours"] == palettes.PALETTES
    assert [s["id"] for s in answer["palettes"]["hair_styles"]] == ["none", "short", "long", "spiky", "bun", "cap"]
    assert answer["figure"] == player.figure and answer["figure"]["hair_style"] == "short"
    assert answer["motto"] == "" and answer["motto_max"] == 100


def test_new_looks_and_motto_are_saved(client, player):
    response = post(client, GOOD)
    assert response.status_code == 200
    player.refresh_from_db()
    figure = {key: value for key, value in GOOD.items() if key != "motto"}
    assert player.figure == figure
    assert player.motto == "Here for the pool"  # trimmed, as every text a player writes
    assert response.json() == {"figure": figure, "motto": "Here for the pool", "message": "Your new looks are saved."}


def test_every_choice_the_window_offers_is_accepted(client, player):
    offered = client.get(reverse("profile-looks")).json()["palettes"]
    styles = [s["id"] for s in offered["hair_styles"]]
    longest = max(len(styles), *(len(c) for c in offered["colours"].values()))
    for i in range(longest):
        looks = {key: colours[i % len(colours)] for key, colours in offered["colours"].items()}
        looks |= {"hair_style": styles[i % len(styles)], "motto": ""}
        assert post(client, looks).status_code == 200, looks
        player.refresh_from_db()
        assert player.figure == {key: value for key, value in looks.items() if key != "motto"}


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"skin": "#00ff00"}, "skin", "Pick a skin tone from the palette."),  # a colour, but not one offered
        ({"shirt": "#123456"}, "shirt", "Pick a shirt colour from the palette."),
        ({"legs": "red"}, "legs", "Pick a trousers colour from the palette."),
        ({"shoes": palettes.HAIR[7]}, "shoes", "Pick a shoes colour from the palette."),
        ({"hair": palettes.CLOTHES[11]}, "hair", "Pick a hair colour from the palette."),
        ({"hair_style": "mohawk"}, "hair_style", "Pick one of the hair styles."),
        ({"motto": "x" * 101}, "motto", "A motto is up to 100 characters of plain text on one line."),
        ({"motto": "two\nlines"}, "motto", "A motto is up to 100 characters of plain text on one line."),
        ({"motto": 5}, "motto", "A motto is up to 100 characters of plain text on one line."),
        ({"shoes": None}, "shoes", "Pick a shoes colour from the palette."),
        ({"hat": "#ffffff"}, "hat", "Those looks could not be read; reload the page and try again."),
    ],
)
def test_a_choice_off_the_palette_is_refused_and_nothing_changes(client, player, change, field, words):
    before = (player.figure, player.motto)
    response = post(client, GOOD | change)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid", "field": field, "message": words}
    player.refresh_from_db()
    assert (player.figure, player.motto) == before


def test_a_missing_choice_is_refused(client, player):
    response = post(client, {key: value for key, value in GOOD.items() if key != "hair"})
    assert response.status_code == 400 and response.json()["field"] == "hair"
    assert post(client, "not an object").json()["message"] == "Those looks could not be read; reload the page and try again."


def test_a_motto_of_exactly_100_characters_is_taken(client, player):
    assert post(client, GOOD | {"motto": "m" * 100}).status_code == 200
    player.refresh_from_db()
    assert player.motto == "m" * 100


def test_saving_over_and_over_is_slowed_down(client, player):
    looks = client.get(reverse("profile-looks")).json()["figure"] | {"motto": ""}
    answers = [post(client, looks).status_code for _ in range(31)]
    assert answers[:30] == [200] * 30
    assert answers[30] == 429
