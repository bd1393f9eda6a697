import logging

from django.shortcuts import render

from habbo.bus.producer import EventBusUnavailable

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
