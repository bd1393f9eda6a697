from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError

from habbo.models import User
from habbo.palettes import CLOTHES, SKIN
from habbo.refusals import PlayerWords
from habbo.restrictions import ban_sentence, banned_now


def _swatches(colours: list[str]) -> list[tuple[str, str]]:
    return [(c, c) for c in colours]


class SignupForm(PlayerWords, UserCreationForm):
    email = forms.EmailField(required=False, help_text="Optional: we write when a friend request waits for you.")
    figure_skin = forms.ChoiceField(choices=_swatches(SKIN), widget=forms.RadioSelect, initial=SKIN[0], label="Skin")
    figure_shirt = forms.ChoiceField(
        choices=_swatches(CLOTHES), widget=forms.RadioSelect, initial=CLOTHES[0], label="Shirt"
    )
    figure_legs = forms.ChoiceField(
        choices=_swatches(CLOTHES), widget=forms.RadioSelect, initial=CLOTHES[7], label="Trousers"
    )

    # Django's own words stay for a name taken or a password too weak: they already speak to the player.
    refusals = {
        "username": "Choose a name for your avatar, up to 150 characters.",
        "email": "That e-mail address does not look right.",
        "password1": "Choose a password.",
        "password2": "Type the same password again.",
        "figure_skin": "Pick one of the colours shown.",
        "figure_shirt": "Pick one of the colours shown.",
        "figure_legs": "Pick one of the colours shown.",
    }

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email", "figure_skin", "figure_shirt", "figure_legs"]


class LoginForm(AuthenticationForm):
    """Django's login, refusing a banned player with the reason and the end of the ban."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if banned_now(user):
            raise ValidationError(ban_sentence(user), code="banned")
