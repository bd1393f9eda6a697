"""The forms a player fills in refuse in the hotel's words (habbo.refusals
PlayerWords): each field's sentence, never Django's default messages; the
hotel's own plain-text refusals keep naming the character."""

import pytest
from django import forms

from friends.forms import MessageForm
from habbo.forms import SignupForm
from habbo.refusals import NOT_UNDERSTOOD, PlayerWords
from rooms.forms import RoomCreateForm

# Django's own messages for the codes these fields can raise.
DJANGO_WORDS = ["This field is required", "Ensure this value", "Select a valid choice", "Enter a whole number",
                "Enter a valid", "Null characters"]


def messages(form) -> dict[str, list[str]]:
    assert not form.is_valid()
    return {field: list(errors) for field, errors in form.errors.items()}


def assert_player_words(form) -> dict[str, list[str]]:
    found = messages(form)
    for field, texts in found.items():
        assert texts, field
        assert [t for t in texts if any(words in t for words in DJANGO_WORDS)] == [], field
    return found


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "ab", "description": "d" * 501, "capacity": 501, "layout": "nope"},
        {"name": "n" * 61, "capacity": "many", "layout": ""},
        {"name": "ok name", "capacity": 1.5, "layout": "nope"},
    ],
)
def test_the_room_form_refuses_in_its_sentences(data):
    found = assert_player_words(RoomCreateForm(data))
    for field, texts in found.items():
        assert texts == [RoomCreateForm.refusals[field]], field


def test_the_message_form_refuses_in_its_sentence():
    assert messages(MessageForm({"text": ""})) == {"text": [MessageForm.refusals["text"]]}
    assert messages(MessageForm({"text": "x" * 10_000})) == {"text": [MessageForm.refusals["text"]]}


def test_plain_text_refusals_keep_naming_the_character():
    found = assert_player_words(RoomCreateForm({"name": "bad\u202ename", "capacity": 25, "layout": "nope"}))
    assert found["name"] == [
        "U+202E is a format character (bidi control, zero-width): only plain text on one line is allowed."
    ]
    # NUL: the hotel's reason, and the field's sentence for Django's own null-character check.
    nul = assert_player_words(MessageForm({"text": "a\x00b"}))["text"]
    assert nul[0].startswith("U+0000 is a control character") and nul[1:] == [MessageForm.refusals["text"]]


@pytest.mark.django_db
def test_the_signup_form_refuses_in_its_sentences():
    found = assert_player_words(SignupForm({"username": "", "email": "not an address", "figure_skin": "#123456"}))
    assert found["username"] == [SignupForm.refusals["username"]]
    assert found["email"] == [SignupForm.refusals["email"]]
    assert found["figure_skin"] == ["Pick one of the colours shown."]
    assert found["password1"] == ["Choose a password."]


def test_a_field_without_a_sentence_gets_the_general_one():
    class Quiz(PlayerWords, forms.Form):
        answer = forms.IntegerField()

    assert messages(Quiz({"answer": "x"})) == {"answer": [NOT_UNDERSTOOD]}
