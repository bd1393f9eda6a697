from django import forms

from rooms.layouts import LAYOUTS
from rooms.models import DEFAULT_CAPACITY, MAX_CAPACITY, MIN_CAPACITY


class RoomCreateForm(forms.Form):
    name = forms.CharField(min_length=3, max_length=60)
    description = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    capacity = forms.IntegerField(min_value=MIN_CAPACITY, max_value=MAX_CAPACITY, initial=DEFAULT_CAPACITY)
    layout = forms.ChoiceField(choices=[(name, layout.title) for name, layout in LAYOUTS.items()])
    is_public = forms.BooleanField(required=False, initial=True, label="Public (listed in the navigator)")
