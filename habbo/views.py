import logging

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from habbo import palettes
from habbo.forms import SignupForm
from habbo.json_views import player_only
from habbo.looks import MOTTO_MAX, LooksRefused, looks_change, looks_read

log = logging.getLogger(__name__)


@ratelimit(key="ip", rate=lambda group, request: settings.SIGNUP_RATE, method="POST", block=False)
def signup(request):
    if request.user.is_authenticated:
        return redirect("navigator")
    if request.limited:
        log.warning("sign-up refused: more than %s from %s", settings.SIGNUP_RATE, request.META["REMOTE_ADDR"])
        return render(request, "registration/signup.html", {"form": SignupForm(), "limited": True}, status=429)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():  # the account and its sign-up grant (economy) together
            user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("navigator")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


def locked_out(request, *args):
    """The login page, saying when to try again (axes calls this on a locked
    login; axes itself logs the lockout). Its other arguments are not used:
    axes' async path passes them in the wrong order."""
    cool_off = get_cool_off(request)
    context = {
        "form": AuthenticationForm(request),
        "next": request.POST.get("next", ""),
        "cool_off_minutes": round(cool_off.total_seconds() / 60),
        # Every try during the lock starts the wait again, this one included.
        "retry_at": timezone.now() + cool_off,
    }
    return render(request, "registration/login.html", context, status=429)


@require_http_methods(["GET", "POST"])
@player_only
# Each save writes a row and tells the room: bounded like the room socket's messages.
@ratelimit(key="user", rate="30/m", method="POST", block=False)
def looks(request):
    """GET: the palettes and the player's looks; POST: new looks (docs/protocol.md, "Looks")."""
    user = request.user
    if getattr(request, "limited", False):
        message = "You changed your looks a lot just now; wait a minute."
        return JsonResponse({"error": "slow_down", "message": message}, status=429)
    if request.method == "GET":
        return JsonResponse(
            {"figure": user.figure, "motto": user.motto, "palettes": palettes.for_the_client(), "motto_max": MOTTO_MAX}
        )
    try:
        looks_change(user=user, looks=looks_read(request.body))
    except LooksRefused as refused:
        return JsonResponse({"error": "invalid", "field": refused.field, "message": refused.message}, status=400)
    return JsonResponse({"figure": user.figure, "motto": user.motto, "message": "Your new looks are saved."})
