"""What the JSON endpoints of every app share."""

from functools import wraps

from django.http import JsonResponse


def player_only(view):
    """JSON endpoints answer 401 rather than redirecting to the login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse({"error": "not_logged_in", "message": "Log in first."}, status=401)
        return view(request, *args, **kwargs)

    # Its 404, 403 and 500 answer JSON too (habbo.error_pages); outer decorators' wraps() copy it.
    wrapper.json_endpoint = True
    return wrapper
