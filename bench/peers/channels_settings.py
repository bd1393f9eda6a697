"""Settings of the stock Channels walk relay (bench/peers/channels_relay.py),
not the hotel's: no apps, no database, no sessions.

PEER_LAYER chooses channels_redis's layer: `core` (RedisChannelLayer, a list
per channel and a sorted set per group) or `pubsub` (RedisPubSubChannelLayer).
PEER_REDIS_URL is the Redis, with a database index of its own; the prefix
keeps the layer's pub/sub channels, which Redis shares across databases,
apart from the hotel's. Both layers keep their defaults otherwise (the core
layer: 100 messages per channel, expiry 60 s): the stock way.
"""

import os

SECRET_KEY = "peers-bench-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["channels"]
ASGI_APPLICATION = "channels_relay.application"
USE_TZ = True

_LAYERS = {
    "core": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}
_layer = os.environ.get("PEER_LAYER", "core")
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": _LAYERS[_layer],
        "CONFIG": {
            "hosts": [os.environ.get("PEER_REDIS_URL", "redis://127.0.0.1:6390/5")],
            "prefix": f"peers-{_layer}",
        },
    }
}
