from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from friends import services
from friends.forms import MessageForm
from friends.services import FriendActionRefused
from habbo.models import User
from rooms.views import hotel_screen

# EventBusUnavailable propagates to EventBusUnavailableMiddleware: a 503 page, nothing done.


@login_required
def friends_page(request):
    """The hotel view with the friends window open (searching for ?q=)."""
    return hotel_screen(request, open_window="friends", query=request.GET.get("q", ""))


def _act(request, action, done: str):
    try:
        action()
    except FriendActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("friends")


@login_required
@require_POST
def send_request(request):
    username = request.POST.get("username", "")
    return _act(
        request,
        lambda: services.friend_request_send(sender=request.user, username=username),
        f"Friend request sent to {username}.",
    )


@login_required
@require_POST
def answer_request(request, request_id: int, answer: str):
    accept = answer == "accept"
    return _act(
        request,
        lambda: services.friend_request_answer(user=request.user, request_id=request_id, accept=accept),
        "Accepted." if accept else "Declined.",
    )


@login_required
@require_POST
def remove_friend(request, user_id: int):
    return _act(request, lambda: services.friend_remove(user=request.user, friend_id=user_id), "Friend removed.")


@login_required
def conversation(request, user_id: int):
    friend = get_object_or_404(User, pk=user_id)
    if not services.are_friends(request.user.pk, friend.pk):
        messages.error(request, "You can only message your friends.")
        return redirect("friends")
    if request.method == "POST":
        form = MessageForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["text"]))
            return redirect("conversation", user_id=friend.pk)
        try:
            services.message_send(sender=request.user, friend_id=friend.pk, text=form.cleaned_data["text"])
        except FriendActionRefused as exc:
            messages.error(request, str(exc))
        return redirect("conversation", user_id=friend.pk)
    return hotel_screen(request, open_window="messenger", open_friend=friend.pk)
