"""The word filter's matching rules (habbo.wordfilter), the admin's list and
how a change reaches the filter, and the motto path (POST /profile/looks)."""

import json

import pytest
from django.urls import reverse

from habbo import palettes, wordfilter
from habbo.bus.topics import MODERATION
from habbo.models import FilteredWord
from habbo.redis import sync_redis
from habbo.tests.test_admin import staff_client  # noqa: F401  (a fixture)
from habbo.wordfilter import Word, WordList

WORDS = WordList([
    Word("ass", "bobba", False),
    Word("sh1t", "***", True),
    Word("go away", "hello", False),
    Word("go away now", "hi", False),
])


def shown(text: str) -> str:
    return WORDS.censor(text).text


@pytest.mark.parametrize("written", [
    "ass", "ASS", "Ass", "ÁSS", "àss", "a\u0301ss",  # a combining accent written apart
    "4ss", "@ss", "a$$", "45$", "ａｓｓ",  # fullwidth
])
def test_case_accents_and_digits_for_letters_are_the_same_word(written):
    assert shown(f"you {written}!") == "you bobba!"


@pytest.mark.parametrize("written", ["class", "cl4ss", "CLÁSS", "assets", "bass", "passage", "ass1", "2ass"])
def test_a_word_inside_a_longer_word_is_left_as_written(written):
    assert shown(f"what {written} today") == f"what {written} today"


@pytest.mark.parametrize("written, expected", [
    ("ass-hat", "bobba-hat"), ("(ass)", "(bobba)"), ("my_ass", "my_bobba"), ("ass.", "bobba."),
    ("ass,ass", "bobba,bobba"), ("«ÁSS»", "«bobba»"),
])
def test_signs_spaces_and_underscores_end_a_word(written, expected):
    assert shown(written) == expected


def test_only_the_match_is_replaced_and_the_rest_stays_as_written():
    # "ﬁ" and "ß" fold to two letters each, "É" to one: the positions before the match still hold.
    assert shown("ﬁne Straße, ÉTÉ ÁSS? Ça va") == "ﬁne Straße, ÉTÉ bobba? Ça va"
    assert shown("a\u0301ss\u0301 de\u0301ja\u0300") == "bobba de\u0301ja\u0300", "the word's own marks go with it"


def test_a_digit_in_the_listed_word_stands_for_its_letters():
    assert shown("SHIT sh!t shlt sh1t sh|t $hit") == "*** *** *** *** *** ***"


def test_spaces_in_a_listed_word_match_any_run_and_the_longest_word_wins():
    assert shown("GO  AWAY") == "hello"
    assert shown("go away now!") == "hi!"
    assert shown("go away nowhere") == "hello nowhere"


def test_what_was_found_and_whether_it_opens_a_ticket():
    plain = WORDS.censor("so ass")
    assert (plain.written, plain.text, [w.word for w in plain.hits], plain.opens_ticket) == (
        "so ass", "so bobba", ["ass"], False
    )
    ticket = WORDS.censor("ass and SH1T")
    assert [w.word for w in ticket.hits] == ["ass", "sh1t"] and ticket.opens_ticket and ticket.ticket_at == 8
    clean = WORDS.censor("a classic")
    assert (clean.text, clean.hits, clean.opens_ticket) == ("a classic", (), False)


def test_a_longer_replacement_is_cut_to_the_texts_limit():
    assert WORDS.censor("x" * 8 + " ass", max_length=10).text == "xxxxxxxx b"
    assert WordList([]).censor("ass").text == "ass"


# -- the list in the admin, and every process ------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_word_saved_in_the_admin_is_filtered_at_once_and_tells_every_process(staff_client, fresh_word_list):  # noqa: F811
    assert wordfilter.censor("what a zonk").text == "what a zonk"
    version = int(sync_redis().get(wordfilter.VERSION_KEY) or 0)
    add = staff_client.post(reverse("admin:habbo_filteredword_add"),
                            {"word": "z0nk", "replacement": "bobba", "opens_ticket": ""})
    assert add.status_code == 302, add.content
    assert wordfilter.censor("what a ZONK").text == "what a bobba"
    assert int(sync_redis().get(wordfilter.VERSION_KEY)) > version, "the other processes see the list changed"

    word = FilteredWord.objects.get()
    assert staff_client.post(reverse("admin:habbo_filteredword_delete", args=[word.pk]), {"post": "yes"}).status_code == 302
    assert wordfilter.censor("what a zonk").text == "what a zonk"


@pytest.mark.django_db(transaction=True)
def test_the_admin_refuses_a_replacement_that_is_not_plain_text(staff_client, fresh_word_list):  # noqa: F811
    add = staff_client.post(reverse("admin:habbo_filteredword_add"),
                            {"word": "zonk", "replacement": "bob\u202eba", "opens_ticket": ""})
    assert add.status_code == 200 and "U+202E" in add.content.decode()
    assert not FilteredWord.objects.exists()


LOOKS = {
    "hair_style": "spiky", "hair": palettes.HAIR[3], "skin": palettes.SKIN[2], "shirt": palettes.CLOTHES[4],
    "legs": palettes.CLOTHES[1], "shoes": palettes.SHOES[2],
}


@pytest.mark.django_db(transaction=True)
def test_a_motto_is_saved_filtered_and_a_ticket_word_reports_its_writer(client, make_player, kafka, fresh_word_list):
    FilteredWord.objects.create(word="ass", replacement="bobba")
    FilteredWord.objects.create(word="zonk", opens_ticket=True)
    alice = make_player("alice")
    client.force_login(alice)

    def save(motto: str) -> dict:
        body = json.dumps(LOOKS | {"motto": motto})
        return client.post(reverse("profile-looks"), body, content_type="application/json").json()

    assert save("Here for the 4SS, not the class")["motto"] == "Here for the bobba, not the class"
    alice.refresh_from_db()
    assert alice.motto == "Here for the bobba, not the class"
    assert kafka.end_offsets(MODERATION.full_name) == 0, "no ticket for a word that opens none"

    assert save("Zönk zonk")["motto"] == "bobba bobba"
    [message] = kafka.read(MODERATION.full_name, 1)
    envelope = json.loads(message.value())
    assert envelope["type"] == "help.reported" and envelope["actor"] is None
    ticket = envelope["payload"]
    assert (ticket["about"], ticket["reporter_id"], ticket["about_user_id"], ticket["room_id"], ticket["quote"]) == (
        "word", None, alice.pk, None, "Zönk zonk"
    )
