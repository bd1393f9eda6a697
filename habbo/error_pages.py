"""The hotel's own 404, 403 and 500 answers, under DEBUG too (`make run`):
a hotel page (templates/404.html, 403.html, 500.html) for a browser, and
{"error", "message"} in the player's words for a JSON endpoint
(habbo.json_views.player_only) or a client that prefers JSON. Neither
Django's debug pages nor its error texts reach a player; a 500's traceback
goes to the log.
"""

import logging

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template import loader

log = logging.getLogger(__name__)

# Status → the JSON answer's error code and message (the pages say the same at more length).
ANSWERS = {
    404: ("not_found", "That is not in the hotel: it may have been removed, or the link is wrong."),
    403: ("forbidden", "You are not allowed to do that."),
    500: ("server_error", "Something went wrong on our side; try again."),
}
OUT_OF_DATE = "Your page was out of date, so nothing was done. Reload it and try again."


def wants_json(request) -> bool:
    view = request.resolver_match.func if request.resolver_match else None
    if getattr(view, "json_endpoint", False):
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def error_response(request, status: int, message: str | None = None) -> HttpResponse:
    code, default = ANSWERS[status]
    if wants_json(request):
        return JsonResponse({"error": code, "message": message or default}, status=status)
    # Rendered without the request: the context processors (a database
    # lookup of the user) may be what failed.
    return HttpResponse(loader.render_to_string(f"{status}.html", {"message": message}), status=status)


class ErrorPagesMiddleware:
    """Answers a view's Http404, PermissionDenied or unhandled exception, and
    a path that matched no URL, with error_response. Placed before
    EventBusUnavailableMiddleware, whose 503 comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and request.resolver_match is None:
            # No URL matched: Django answered before any view middleware could
            # see the exception (under DEBUG with its technical page).
            return error_response(request, 404)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            return error_response(request, 404)
        if isinstance(exception, PermissionDenied):
            return error_response(request, 403)
        if isinstance(exception, (BadRequest, SuspiciousOperation, MultiPartParserError)):
            return None  # Django's 400 handling, which logs them as security events
        log.exception("%s %s failed", request.method, request.path)
        return error_response(request, 500)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form or fetch from a stale page (Django logs the reason)."""
    return error_response(request, 403, OUT_OF_DATE)
