import logging

from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import render

from habbo.bus.producer import EventBusUnavailable
from habbo.restrictions import ban_sentence, banned_now

log = logging.getLogger(__name__)


class EventBusUnavailableMiddleware:
    """Turns EventBusUnavailable into a 503 page: the action was not taken."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, EventBusUnavailable):
            log.warning("%s %s: %s", request.method, request.path, exception)
            return render(request, "503.html", {"reason": str(exception)}, status=503)
        return None


class BannedMiddleware:
    """A banned player is logged out at their next request and told why and
    until when; their open sockets were closed by the ban itself. The player's
    row is read for every request anyway, so this costs no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not (user.is_authenticated and banned_now(user)):
            return None
        sentence = ban_sentence(user)
        logout(request)
        if getattr(view_func, "json_endpoint", False):
            return JsonResponse({"error": "banned", "message": sentence}, status=403)
        return render(request, "403.html", {"message": sentence}, status=403)
