from django import forms

from habbo.refusals import PlayerWords
from habbo.text import validate_plain_text
from rooms.events import DESCRIPTION_MAX, NAME_MAX, NAME_MIN, SETTINGS_REFUSALS
from rooms.layouts import LAYOUTS
from rooms.models import DEFAULT_CAPACITY, MAX_CAPACITY, MIN_CAPACITY


class RoomCreateForm(PlayerWords, forms.Form):
    # The rules of room.created (rooms.events), so the form refuses what the event would.
    name = forms.CharField(min_length=NAME_MIN, max_length=NAME_MAX, validators=[validate_plain_text])
    # One line, as every text in the hotel (habbo.text): a line break is refused.
    description = forms.CharField(max_length=DESCRIPTION_MAX, required=False, validators=[validate_plain_text])
    capacity = forms.IntegerField(min_value=MIN_CAPACITY, max_value=MAX_CAPACITY, initial=DEFAULT_CAPACITY)
    layout = forms.ChoiceField(choices=[(name, layout.title) for name, layout in LAYOUTS.items()])
    is_public = forms.BooleanField(required=False, initial=True, label="Public (listed in the navigator)")
    refusals = {
        **{field: SETTINGS_REFUSALS[field] for field in ("name", "description", "capacity")},
        "layout": "Pick one of the room layouts shown.",
    }
