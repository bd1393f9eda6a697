"""Settings, read from environment variables with django-environ.

Defaults suit local play: SQLite under var/, and the Redis and Kafka that
scripts/services starts on loopback. Production sets DEBUG=false, HTTPS=true,
SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (PostgreSQL); see README.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# Only local play may run without a secret: DEBUG makes up a fixed, public one.
SECRET_KEY = env.str("SECRET_KEY") if not DEBUG else env.str("SECRET_KEY", default="dev-only-not-secret")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_ratelimit",
    "habbo",
    "rooms",
    "friends",
    "chat",
    "economy",
    "moderation",
]

MIDDLEWARE = [
    # First: /healthz and /readyz answer any Host, over HTTP, without a session.
    "habbo.health.HealthMiddleware",
    # Second: /metrics for Prometheus the same way (METRICS_TOKEN); counts the requests below.
    "habbo.metrics_http.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "habbo.middleware.BannedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The hotel's 404, 403 and 500, also under DEBUG; after CommonMiddleware,
    # which still adds a missing slash to a 404.
    "habbo.error_pages.ErrorPagesMiddleware",
    "habbo.middleware.EventBusUnavailableMiddleware",
    # Last, as axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "habbo.urls"
CSRF_FAILURE_VIEW = "habbo.error_pages.csrf_failure"
ASGI_APPLICATION = "habbo.asgi.application"
AUTH_USER_MODEL = "habbo.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "navigator"
LOGOUT_REDIRECT_URL = "login"

# Failed logins are throttled per account and per address (django-axes, its
# counts in the database that every web process shares): an account, or an
# address, with LOGIN_FAILURE_LIMIT failures is locked for
# LOGIN_COOLOFF_MINUTES, and any try during the lock starts the wait again.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_CALLABLE = "habbo.views.locked_out"
# A success must not clear the address's count: an attacker would log into
# an account of their own between guesses. Failures age out after the cool-off.
AXES_RESET_ON_SUCCESS = False
# Only failures are needed; a row per successful login would grow for ever.
AXES_DISABLE_ACCESS_LOG = True
# Logs name the address, not the username tried (it can be a mistyped
# password); the admin's "Access attempts" shows both.
AXES_SENSITIVE_PARAMETERS = ["username"]
# Sign-up attempts per address (django-ratelimit, counted in Redis).
SIGNUP_RATE = env.str("SIGNUP_RATE", default="10/h")
# Staff enrol a TOTP device (manage.py staff_otp) and the admin asks for it.
OTP_TOTP_ISSUER = "Hotel"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "moderation.context_processors.moderator",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'hotel.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the consumers write at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # Django advises against persistent connections under ASGI (a thread's
    # connection outlives the request): a web process takes them from
    # psycopg's pool. Consumers keep one for life (kafka_consume).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # a connection the server dropped is not handed out
    # Added to what DATABASE_URL's query gave (sslmode, connect_timeout ...).
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1, "max_size": env.int("DB_POOL_SIZE", default=8)
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6390/0")
# REDIS_URL names one node of a Redis Cluster (docs/scaling.md): live state
# goes through redis-py's cluster client, which finds the others.
REDIS_CLUSTER = env.bool("REDIS_CLUSTER", default=False)
# Shared by every web process, so a limit counted in it holds across them.
CACHES = {
    "default": {
        "BACKEND": "habbo.cache.HotelRedisCache" if REDIS_CLUSTER else "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "hotel-cache",
    }
}
# Sessions are read from the cache (a socket opening needs no query) and
# written through to the database, so a Redis restart logs nobody out.
SESSION_ENGINE = "habbo.sessions"
# django-ratelimit names memcached and django-redis only; Django's own
# RedisCache increments with Redis INCR, which is as atomic.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
# The pub/sub layer sends a group message once per process, not once per
# socket: room broadcasts stay cheap. Real-time messages are not stored.
# channels_redis knows no Redis Cluster: on one, CHANNEL_LAYER_HOSTS lists
# its masters, and the layer shards groups over them by name as over
# independent servers (every node of a cluster relays a plain PUBLISH).
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": env.list("CHANNEL_LAYER_HOSTS", default=[REDIS_URL])},
    },
    # The room sockets': one subscription per process, not two per socket (habbo.socket_layer).
    "sockets": {"BACKEND": "habbo.socket_layer.ProcessChannelLayer", "CONFIG": {"over": "default"}},
}
# A web process marks its avatars in each room alive this often; an avatar
# not marked for ROOM_PRESENCE_TIMEOUT_S (its process died) is cleared.
ROOM_HEARTBEAT_S = env.float("ROOM_HEARTBEAT_S", default=10)
ROOM_PRESENCE_TIMEOUT_S = env.float("ROOM_PRESENCE_TIMEOUT_S", default=45)
# A room whose frames a second times its sockets in a process pass
# ROOM_BATCH_WRITES sends its frames at most once per ROOM_TICK_MS
# (rooms.fanout, docs/protocol.md "Batches").
ROOM_TICK_MS = env.int("ROOM_TICK_MS", default=50)
if not 0 <= ROOM_TICK_MS <= 100:
    raise ImproperlyConfigured(f"ROOM_TICK_MS is {ROOM_TICK_MS}: a tick holds a frame back at most 100 ms")
ROOM_BATCH_WRITES = env.int("ROOM_BATCH_WRITES", default=20_000)
# The web process's four measured shortcuts under Daphne (habbo.web.apply_shortcuts);
# false serves every frame on Daphne's plain path.
DAPHNE_SHORTCUTS = env.bool("DAPHNE_SHORTCUTS", default=True)
# A web process renews its key in Redis this often while it runs (habbo.web_processes).
WEB_HEARTBEAT_S = env.float("WEB_HEARTBEAT_S", default=10)
# Prometheus metrics (habbo.metrics): a web process serves /metrics and /metrics/kafka
# only to `Authorization: Bearer <METRICS_TOKEN>` (unset: not served); a consumer
# process serves its own on 127.0.0.1:CONSUMER_METRICS_PORT (or --metrics-port) if given.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
CONSUMER_METRICS_PORT = env.int("CONSUMER_METRICS_PORT", default=None)

# Credits: every new account's first ledger row, and the bonus for the first visit of a day.
SIGNUP_CREDITS = env.int("SIGNUP_CREDITS", default=100)
DAILY_BONUS_CREDITS = env.int("DAILY_BONUS_CREDITS", default=10)

KAFKA_BOOTSTRAP_SERVERS = env.str("KAFKA_BOOTSTRAP_SERVERS", default="127.0.0.1:9192")
KAFKA_TOPIC_PREFIX = env.str("KAFKA_TOPIC_PREFIX", default="hotel.")
# Topics kafka_topics creates: copies of each partition, and how many of them
# must have an event before Kafka acknowledges it (acks=all). A cluster: 3 and 2.
# Unset: the brokers' own default.replication.factor and min.insync.replicas
# (a cluster's node properties set 3 and 2), never overridden per topic.
KAFKA_REPLICATION_FACTOR = env.int("KAFKA_REPLICATION_FACTOR", default=None)
KAFKA_MIN_INSYNC_REPLICAS = env.int("KAFKA_MIN_INSYNC_REPLICAS", default=None)
# How long an action waits for the broker's acknowledgement before it fails.
KAFKA_PUBLISH_TIMEOUT_MS = env.int("KAFKA_PUBLISH_TIMEOUT_MS", default=5000)
# A consumer stops (non-zero exit) after this many bad messages in a row.
KAFKA_MAX_CONSECUTIVE_BAD = env.int("KAFKA_MAX_CONSECUTIVE_BAD", default=100)

# E-mail (offline friend-request notices): EMAIL_URL such as
# smtp://user:password@host:587 or smtp+tls://…; the console by default.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="hotel@localhost")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
