"""Configuration classes; see README "Configuration" for every key."""

from __future__ import annotations

# The values SEARCH_BACKEND may take; create_app refuses any other.
SEARCH_BACKENDS = ("whoosh", "postgres")


class Config:
    """Defaults shared by every environment (the embedded SQLite profile)."""

    # Filled in by create_app from the instance folder when left empty.
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SEARCH_INDEX_DIR: str | None = None
    REDIS_URL: str | None = None
    # Redis pub/sub channel of Socket.IO. Channels ignore the database number,
    # so by default it is "agora-<db>": sites sharing a Redis server stay apart.
    REALTIME_CHANNEL: str | None = None
    # Behind a proxy: how many X-Forwarded-For / X-Forwarded-Proto hops to trust
    # (1 behind one nginx). 0 trusts none, so clients cannot forge an address.
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0

    SITE_NAME = "Agora"
    # "open": new accounts are active once their email is confirmed;
    # "approval": they also wait for an administrator.
    REGISTRATION_MODE = "open"
    PASSWORD_MIN_LENGTH = 10
    EMAIL_TOKEN_MAX_AGE = 2 * 24 * 3600
    RESET_TOKEN_MAX_AGE = 3600

    LANGUAGES = ["en", "fr", "ar", "es", "it"]
    RTL_LANGUAGES = ["ar"]
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"

    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = True
    MAIL_USE_SSL = False
    MAIL_DEFAULT_SENDER = "Agora <no-reply@agora.invalid>"
    MAIL_OUTBOX_DIR: str | None = None

    # A moving window: a fixed one lets a burst through twice at its edge.
    RATELIMIT_STRATEGY = "moving-window"
    # When Redis does not answer, the login and registration limits count in
    # the process instead of failing the request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_LOGIN = "10 per minute;50 per hour"
    RATELIMIT_RESET = "5 per minute;20 per hour"
    RATELIMIT_REGISTER = "5 per minute;30 per hour"

    # Uploads (multipart) may carry attachments up to MAX_CONTENT_LENGTH, with
    # each text part capped; every other body (forms, JSON) gets the small cap.
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    MAX_PLAIN_BODY_SIZE = 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 24 * 3600
    WTF_CSRF_TIME_LIMIT = None  # tied to the session, which expires anyway

    ADMIN_USERS_PER_PAGE = 50

    # Files attached to practices (the folder defaults to instance/attachments).
    ATTACHMENTS_DIR: str | None = None
    ATTACHMENT_MAX_SIZE = 10 * 1024 * 1024
    ATTACHMENTS_PER_PRACTICE = 10
    PRACTICES_PER_PAGE = 20

    # Workshop rooms: flood limit per participant, how long a connection
    # counts as present without a heartbeat, reminder lead time.
    RATELIMIT_CHAT = "20 per minute;200 per hour"
    CHAT_PRESENCE_TTL = 90
    # Joins and leaves within this many seconds share one presence announcement,
    # which names at most CHAT_PRESENCE_NAMES people (and counts everyone).
    CHAT_PRESENCE_DELAY = 0.5
    CHAT_PRESENCE_NAMES = 100
    WORKSHOP_REMINDER_MINUTES = 60

    # Seconds a process waits for another to finish writing the search index.
    SEARCH_LOCK_TIMEOUT = 10.0
    # "whoosh": files in SEARCH_INDEX_DIR (one machine); "postgres": tables in
    # SEARCH_DATABASE_URL, or in the app's database when that is PostgreSQL.
    SEARCH_BACKEND = "whoosh"
    SEARCH_DATABASE_URL: str | None = None

    # Countries and themes are cached per process for this long.
    REFERENCE_CACHE_SECONDS = 30
    # The home page's thread counts, likewise (public counts only).
    ACTIVITY_CACHE_SECONDS = 30

    # Logs: "text" or "json" (one object per line); the standard level names.
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"
    # Socket.IO's async mode; empty picks gevent under gunicorn's gevent worker.
    SOCKETIO_ASYNC_MODE: str | None = None

    # Forum
    THREADS_PER_PAGE = 30
    POSTS_PER_PAGE = 50
    # The first N posts of a new member wait in the approval queue.
    POSTS_NEEDING_APPROVAL = 2
    # Accounts younger than this many days get the stricter posting limits.
    NEW_ACCOUNT_DAYS = 3
    RATELIMIT_THREADS = "10 per hour"
    RATELIMIT_THREADS_NEW_ACCOUNT = "3 per hour"
    RATELIMIT_REPLIES = "30 per 10 minutes"
    RATELIMIT_REPLIES_NEW_ACCOUNT = "6 per 10 minutes"
    TITLE_MAX_LENGTH = 200
    BODY_MAX_LENGTH = 50_000
    # Static URLs carry a content hash (templating.asset_url), so cache for long.
    SEND_FILE_MAX_AGE_DEFAULT = 365 * 24 * 3600
    # Visitors' pages are kept this many seconds (0: off), in Redis when
    # REDIS_URL is set, and dropped at once when public content changes.
    PAGE_CACHE_SECONDS = 10
    PAGE_CACHE_PREFIX = "agora:"


class DevelopmentConfig(Config):
    """Local development: the embedded profile with verbose errors."""


class TestingConfig(Config):
    """Test runs: each test passes its own database and index paths."""

    TESTING = True
    RATELIMIT_LOGIN = "5 per minute"
    # Tests see each write at once; tests/test_caching.py turns the cache on.
    PAGE_CACHE_SECONDS = 0


class ProductionConfig(Config):
    """Production: refuses to start without an explicit secret key."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    REQUIRE_EXPLICIT_SECRET_KEY = True
    LOG_FORMAT = "json"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
