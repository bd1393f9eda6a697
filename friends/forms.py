from django import forms

from friends.events import MESSAGE_MAX
from habbo.refusals import PlayerWords
from habbo.text import validate_plain_text


class MessageForm(PlayerWords, forms.Form):
    """A private message: the rules of message.sent (friends.events), with their reasons."""

    text = forms.CharField(max_length=MESSAGE_MAX, validators=[validate_plain_text])
    refusals = {"text": f"A message is 1 to {MESSAGE_MAX} characters of text."}
