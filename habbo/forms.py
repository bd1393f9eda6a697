from django import forms
from django.contrib.auth.forms import UserCreationForm

from habbo.models import User

SKIN = ["#f2c8a0", "#e0ac69", "#c68642", "#8d5524", "#ffdbac"]
CLOTHES = ["#3b82f6", "#ef4444", "#22c55e", "#eab308", "#a855f7", "#f97316", "#14b8a6", "#1f2937", "#f8fafc"]


def _swatches(colours: list[str]) -> list[tuple[str, str]]:
    return [(c, c) for c in colours]


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Optional: we write when a friend request waits for you.")
    figure_skin = forms.ChoiceField(choices=_swatches(SKIN), widget=forms.RadioSelect, initial=SKIN[0], label="Skin")
    figure_shirt = forms.ChoiceField(
        choices=_swatches(CLOTHES), widget=forms.RadioSelect, initial=CLOTHES[0], label="Shirt"
    )
    figure_legs = forms.ChoiceField(
        choices=_swatches(CLOTHES), widget=forms.RadioSelect, initial=CLOTHES[7], label="Trousers"
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email", "figure_skin", "figure_shirt", "figure_legs"]
