import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habbo.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (needs Django set up)
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from habbo import gc_tuning, web, web_processes  # noqa: E402
from habbo.routing import websocket_urlpatterns  # noqa: E402
from habbo.sockets import socket_auth  # noqa: E402

# Daphne runs this module in its process: its sockets write without a loop
# turn, room broadcasts are framed once and its timeout sweep passes over
# quiet sockets, unless turned off or unverified.
web.apply_shortcuts(settings.DAPHNE_SHORTCUTS)
# Its key in Redis says it is alive (the admin's Hotel status).
web_processes.keep_alive()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(socket_auth(URLRouter(websocket_urlpatterns))),
    }
)

# Frozen what is loaded by now, young collections every second (habbo.gc_tuning).
gc_tuning.tune()
