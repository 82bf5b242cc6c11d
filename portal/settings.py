"""Settings for Idélotsen, read from the environment with embedded defaults.

Every variable is listed in README.md. With nothing set, the portal runs on one machine:
SQLite in the project folder, Celery tasks in-process after commit, mail to files in var/mail.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from environs import Env

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

# Off unless asked for: a host that forgets a variable never runs in debug with the demo key.
# `make run` and the test suite (tests/settings.py) turn demo mode on explicitly.
DEBUG = env.bool("DJANGO_DEBUG", False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string when DJANGO_DEBUG "
            'is off, for example: python -c "import secrets; print(secrets.token_urlsafe(64))"'
        )
    SECRET_KEY = "demo-only-secret-key-never-use-in-production-0123456789-abcdefghij"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS: list[str] = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# The partnership's identity on every page (portal/branding.py): the operator sets it here.
PARTNERSHIP_NAME = env.str(
    "PARTNERSHIP_NAME", "Partnerskapet för sociala innovationer i Örebro län"
)
PARTNERSHIP_HOST = env.str("PARTNERSHIP_HOST", "Region Örebro län")
# A path under static/ or an absolute URL (its origin is then allowed by the CSP's img-src).
PARTNERSHIP_LOGO = env.str("PARTNERSHIP_LOGO", "img/logo.svg")
# Buttons, links and the header's band; it must keep 4.5:1 against white (a system check).
PARTNERSHIP_PRIMARY_COLOUR = env.str("PARTNERSHIP_PRIMARY_COLOUR", "#1b4f8a")
# Demo contact data: no real number, mailbox or person.
PARTNERSHIP_PHONE = env.str("PARTNERSHIP_PHONE", "019-000 00 00")
PARTNERSHIP_EMAIL = env.str("PARTNERSHIP_EMAIL", "idelotsen@example.se")
PARTNERSHIP_ADDRESS = env.list(
    "PARTNERSHIP_ADDRESS",
    ["Region Örebro län", "Idélotsen", "Box 0000", "700 00 Örebro"],
    delimiter=";",
)

# The project's own apps come first: Django merges the apps' translation catalogues so that an
# app listed earlier wins, and the portal's words ("Åtgärd", "السجل") must win over those of
# Django's admin ("Händelse", "تاريخ") for the same English text. None of these apps ships
# templates or static files of its own, so the order changes nothing else.
INSTALLED_APPS = [
    "portal",
    "portal.outbox",
    "ideas",
    "partners",
    "triage",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "import_export",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_email",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "portal.languages.PageLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.errors.DatabaseBusyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.security.StaffSessionLimitMiddleware",
    "portal.security.TwoFactorRequiredMiddleware",
    "portal.security.NoStoreMiddleware",
    # Axes last, so that it sees the outcome of the login view.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
            "builtins": ["portal.templatetags.machine_time"],
        },
    },
]

DATABASES = {
    "default": env.dj_db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a task writes; a timeout rides out short locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Seconds (statement, lock) a PostgreSQL statement may run and wait for a lock: web requests
# give up well before gunicorn's 30-second worker timeout; Celery workers and migrate wait
# longer (portal/database.py switches them).
DATABASE_TIMEOUTS = {
    "web": (env.int("DATABASE_STATEMENT_TIMEOUT", 10), env.int("DATABASE_LOCK_TIMEOUT", 3)),
    "background": (
        env.int("DATABASE_WORKER_STATEMENT_TIMEOUT", 300),
        env.int("DATABASE_WORKER_LOCK_TIMEOUT", 60),
    ),
}
if "postgresql" in DATABASES["default"]["ENGINE"]:
    from portal.database import postgres_options

    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = postgres_options(
        statement_seconds=DATABASE_TIMEOUTS["web"][0],
        lock_seconds=DATABASE_TIMEOUTS["web"][1],
        existing=_options.get("options", ""),
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_settings(url: str, *, timeout_seconds: float = 1.0) -> dict[str, Any]:
    """The CACHES entry for CACHE_URL; Redis gets the fail-soft backend and short timeouts.

    An outage then falls back to this process's memory (portal/cache.py), and a Redis that hangs
    instead of refusing holds a request for a second at most.
    """
    import django_cache_url  # what environs' dj_cache_url parses with

    config = django_cache_url.parse(url)
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        config["BACKEND"] = "portal.cache.FailSoftRedisCache"
        config.setdefault("OPTIONS", {}).update(
            {
                "socket_connect_timeout": timeout_seconds,
                "socket_timeout": timeout_seconds,
            }
        )
    return config


# The cache holds the submission rate limits: with several web processes it must be shared,
# so production sets CACHE_URL=redis://host:6379/1. The default lives in one process.
CACHES = {
    "default": cache_settings(
        env.str("CACHE_URL", "locmem://"), timeout_seconds=env.float("CACHE_TIMEOUT_SECONDS", 1.0)
    ),
    # The parts of base.html that are the same on every page a kind of reader sees in one
    # language (the menu, the footer: `{% cache ... using="fragments" %}`), in each process's
    # memory: nothing in them is personal, and reading them costs no round trip. With debug on
    # they are not kept, so that an edited template shows at once.
    "fragments": {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache"
        if DEBUG
        else "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "after_login"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "sv"
# "sv-easy" is easy-to-read Swedish (lättläst): its catalogue holds only the texts rewritten
# for it, and every other string falls back to plain Swedish.
LANGUAGES = [
    ("sv", _("Swedish")),
    ("sv-easy", _("Easy-to-read Swedish")),
    ("en", _("English")),
    ("ar", _("Arabic")),
]
# The staff's and the partners' pages and mails are written in these languages only (easy-to-read
# Swedish counts as Swedish); asked for in another, they are served in STAFF_FALLBACK_LANGUAGE,
# and say so (portal/languages.py). English, not Swedish: a visitor who chose neither is likelier
# to read English, and the language switch still offers Swedish.
STAFF_LANGUAGES = ["sv", "en"]
STAFF_FALLBACK_LANGUAGE = "en"
# How the language switch names each language: in that language itself.
LANGUAGE_NATIVE_NAMES = {"sv": "Svenska", "sv-easy": "Lättläst", "en": "English", "ar": "العربية"}
TIME_ZONE = "Europe/Stockholm"
# Our own date formats before Django's (portal/formats/en: "1 Dec 2026" in English).
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE: Literal["Lax"] = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", BASE_DIR / "var" / "media")  # never served publicly

# The resident's form: spam checks and limits (RATELIMIT_ENABLE=false for benchmarks).
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", True)
RATELIMIT_IP_META_KEY = "portal.security.client_ip"
IDEAS_SUBMIT_RATE = env.str("IDEAS_SUBMIT_RATE", "10/h")  # ideas and drafts per IP address
# A form with files that comes back with an error keeps the files this long (ideas/held_files.py),
# for at most this many such forms per IP address and hour.
IDEAS_HELD_FILES_HOURS = env.int("IDEAS_HELD_FILES_HOURS", 24)
IDEAS_HOLD_RATE = env.str("IDEAS_HOLD_RATE", "20/h")
# Password reset: mails per address asked for, and requests per visitor's address.
PASSWORD_RESET_RATE = env.str("PASSWORD_RESET_RATE", "3/h")
PASSWORD_RESET_IP_RATE = env.str("PASSWORD_RESET_IP_RATE", "20/h")
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_HOURS", 24) * 60 * 60
# How long a partner contact's invitation link works (partners/invitations.py).
PARTNER_INVITATION_DAYS = env.int("PARTNER_INVITATION_DAYS", 7)
# Requests for a new tracking link, per IP address and per email address.
IDEAS_LINK_RATE = env.str("IDEAS_LINK_RATE", "5/h")
# The licence of the public open data (`open-data/`): CC0-1.0 or CC-BY-4.0.
OPEN_DATA_LICENCE = env.str("OPEN_DATA_LICENCE", "CC-BY-4.0")
# Wrong tries of a paper receipt's reference number and short code, per IP address.
IDEAS_SHORT_CODE_RATE = env.str("IDEAS_SHORT_CODE_RATE", "10/h")
# Accessibility reports per IP address: each one is a mail to the coordinator.
ACCESSIBILITY_REPORT_RATE = env.str("ACCESSIBILITY_REPORT_RATE", "5/h")
IDEAS_MIN_FILL_SECONDS = env.int("IDEAS_MIN_FILL_SECONDS", 3)
IDEAS_MAX_REQUEST_BYTES = env.int("IDEAS_MAX_REQUEST_BYTES", 32 * 1024 * 1024)
# Ideas outreach staff take with no network wait on the tablet, encrypted, at most this long;
# then the tablet empties its queue (ideas/offline_intake.py, static/js/intake-offline.js).
OFFLINE_QUEUE_MAX_HOURS = env.int("OFFLINE_QUEUE_MAX_HOURS", 24)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail: with no EMAIL_URL every message lands as a file in var/mail (and on the outbox page).
if env.str("EMAIL_URL", ""):
    vars().update(env.dj_email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", BASE_DIR / "var" / "mail")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Idélotsen <idelotsen@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
COORDINATOR_EMAIL = env.str("COORDINATOR_EMAIL", "samordnare@example.org")
PRIVACY_CONTROLLER = env.str(
    "PRIVACY_CONTROLLER", "Partnerskapet för sociala innovationer i Örebro län"
)
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", COORDINATOR_EMAIL)
# A portal run by a public body (myndighet) holds public documents (allmänna handlingar): the
# idea form and the privacy notice then say so, and what the host keeps secret. The demo's host,
# Region Örebro län, is one; production says it explicitly.
PORTAL_HOSTED_BY_PUBLIC_BODY = env.bool("PORTAL_HOSTED_BY_PUBLIC_BODY", DEBUG)
PORTAL_HOST_NAME = env.str("PORTAL_HOST_NAME", PARTNERSHIP_HOST)
# The accessibility statement (DOS-lagen): who answers for the site, when it was assessed and
# last reviewed (ISO dates), and where to reach them for content in another way.
ACCESSIBILITY_RESPONSIBLE_BODY = env.str("ACCESSIBILITY_RESPONSIBLE_BODY", PORTAL_HOST_NAME)
ACCESSIBILITY_ASSESSED_ON = env.str("ACCESSIBILITY_ASSESSED_ON", "2026-11-30")
ACCESSIBILITY_REVIEWED_ON = env.str("ACCESSIBILITY_REVIEWED_ON", "2026-12-04")
ACCESSIBILITY_CONTACT_EMAIL = env.str("ACCESSIBILITY_CONTACT_EMAIL", PRIVACY_CONTACT_EMAIL)
ACCESSIBILITY_CONTACT_PHONE = env.str("ACCESSIBILITY_CONTACT_PHONE", "")
# The host's own words on its secrecy review (in Swedish), shown as written beside the portal's.
PORTAL_HOST_SECRECY_TEXT = env.str("PORTAL_HOST_SECRECY_TEXT", "")
# Personal data of closed, declined and withdrawn ideas is anonymised after this many months.
IDEA_RETENTION_MONTHS = env.int("IDEA_RETENTION_MONTHS", 24)
# Matching: a partner's declines of ideas on the same theme count against it for so many days.
MATCHING_DECLINE_WINDOW_DAYS = env.int("MATCHING_DECLINE_WINDOW_DAYS", 180)
# The owner of an idea is asked how the support went this many months after a partner reported
# it (triage/referrals/follow_up.py; Celery beat, daily).
FOLLOW_UP_SURVEY_MONTHS = env.int("FOLLOW_UP_SURVEY_MONTHS", 3)
# Referrals: an answer link works this long; unanswered referrals get a reminder to the partner,
# and later they are flagged on the dashboard and the coordinator is told.
REFERRAL_LINK_MAX_AGE_DAYS = env.int("REFERRAL_LINK_MAX_AGE_DAYS", 30)
REFERRAL_REMINDER_DAYS = env.int("REFERRAL_REMINDER_DAYS", 7)
REFERRAL_ESCALATION_DAYS = env.int("REFERRAL_ESCALATION_DAYS", 14)
# Partners keep their own entry: every PARTNER_CONFIRM_REMINDER_MONTHS unconfirmed its contacts
# are asked to confirm it (a link that works PARTNER_CONFIRM_LINK_DAYS); an entry not confirmed
# in PARTNER_STALE_MONTHS is marked and left out of suggestions (partners/entries.py).
PARTNER_CONFIRM_REMINDER_MONTHS = env.int("PARTNER_CONFIRM_REMINDER_MONTHS", 6)
PARTNER_STALE_MONTHS = env.int("PARTNER_STALE_MONTHS", 12)
PARTNER_CONFIRM_LINK_DAYS = env.int("PARTNER_CONFIRM_LINK_DAYS", 60)
# The dashboard marks an idea waiting for the committee whose status is older than this.
TRIAGE_AGEING_DAYS = env.int("TRIAGE_AGEING_DAYS", 14)

# Celery: no broker means tasks run in-process, right after the database commit.
CELERY_TASK_ALWAYS_EAGER = not env.str("CELERY_BROKER_URL", "")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", "") or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# A worker keeps its database connection from task to task (Celery's Django fixup would close
# and open it around every task, two connects per mail); portal/celery.py still closes it
# after an error or past CONN_MAX_AGE, as Django does at the end of a request.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", 1000)
CELERY_TIMEZONE = TIME_ZONE
# Longer than the longest retry countdown, so a delayed task is not redelivered early.
# No retry loop and a short connect timeout when publishing, so a request never waits long.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 60 * 60 * 30,
    "max_retries": 0,
    "socket_connect_timeout": 1,
}
# A web request that queues a task while the broker is down gives up fast; the sweep requeues.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "portal.outbox.tasks.sweep_outbox",
        "schedule": timedelta(seconds=env.int("OUTBOX_SWEEP_INTERVAL_SECONDS", 120)),
    },
    "retention": {
        "task": "ideas.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=30),
    },
    # Drafts expire by themselves: IdeaDraft.LIFETIME after the last save (the privacy notice
    # says how long).
    "drafts-purge": {
        "task": "ideas.tasks.purge_drafts",
        "schedule": crontab(hour=3, minute=45),
    },
    # Files kept for a form that came back with an error (ideas/held_files.py).
    "held-files-purge": {
        "task": "ideas.tasks.purge_held_files",
        "schedule": crontab(minute=40),
    },
    "weekly-digest": {
        "task": "triage.tasks.send_weekly_digest",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
    "follow-up-surveys": {
        "task": "triage.tasks.send_follow_up_surveys",
        "schedule": crontab(hour=10, minute=0),
    },
    "referral-reminders": {
        "task": "triage.tasks.send_referral_reminders",
        "schedule": crontab(minute=15),
    },
    "partner-entry-reminders": {
        "task": "partners.tasks.send_entry_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
}
# Outbox: a row stuck in `sending` past the lease is sent again (its worker died); a row still
# queued this long after it was due is queued again (the broker was down). Temporary failures
# are retried after base * 2^n seconds (capped, with jitter); the defaults span more than a day.
OUTBOX_SENDING_LEASE = timedelta(seconds=env.int("OUTBOX_SENDING_LEASE_SECONDS", 600))
OUTBOX_SWEEP_AFTER = timedelta(seconds=env.int("OUTBOX_SWEEP_AFTER_SECONDS", 60))
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", 60)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", 4 * 60 * 60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", 16)
# A worker's task claims its message and up to this many due ones in all (one statement, rows
# other workers hold are skipped) and sends them over its one SMTP session
# (portal.outbox.services.messages_send); 1 sends only the task's own message.
OUTBOX_CLAIM_BATCH = env.int("OUTBOX_CLAIM_BATCH", 20)

DEMO_PASSWORD = env.str("DEMO_PASSWORD", "idelotsen-demo")

# Security. Production (debug off) is HTTPS only; see the production section of README.md.
BEHIND_PROXY = env.bool("DJANGO_BEHIND_PROXY", False)


def _logo_origin(logo: str) -> list[str]:
    """The origin of a logo served from elsewhere, for the CSP's img-src."""
    parts = urlsplit(logo)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_logo_origin(PARTNERSHIP_LOGO)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}
# Every staff account needs a second factor in production: an authenticator app (TOTP), or for
# outreach staff and partner contacts a one-time code by email (sent through the outbox).
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "Idélotsen"
OTP_EMAIL_TOKEN_VALIDITY = env.int("LOGIN_CODE_VALID_MINUTES", 10) * 60
OTP_EMAIL_COOLDOWN_DURATION = 60
# Administrators may remove a lost authenticator but never read anyone's secret key.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Staff sessions end after 30 minutes idle and 12 hours at most (portal.security).
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", 30 * 60)
STAFF_SESSION_MAX_SECONDS = env.int("STAFF_SESSION_MAX_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_AGE = STAFF_SESSION_MAX_SECONDS
# Logged-in pages warn this long before the idle end and offer to stay (WCAG 2.2.1).
STAFF_SESSION_WARNING_SECONDS = env.int("STAFF_SESSION_WARNING_SECONDS", 2 * 60)
# Brute force: a user name is locked from one address after 5 failures within 5 minutes, and
# from every address after 20 failures from any addresses (portal.lockout). A lock ends 5
# minutes after the last failure it counted; failures during a lock do not prolong it, so a
# stranger cannot keep a member out; a password reset by email lifts it at once.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("LOGIN_ACCOUNT_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", 5))
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "portal.lockout.AccountLockoutHandler"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.lockout.lockout_response"
# The status of the locked-out page (axes' default, said here for portal.lockout).
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Only trust X-Forwarded-For behind our own proxy; otherwise a client could forge its address.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if BEHIND_PROXY else ["REMOTE_ADDR"]
)
AXES_IPWARE_PROXY_COUNT = 1 if BEHIND_PROXY else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The refused form in the visitor's language, under a lang attribute that says so.
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def https_settings() -> dict[str, Any]:
    """The settings that make the portal HTTPS-only; applied whenever debug is off."""
    values: dict[str, Any] = {
        "SECURE_SSL_REDIRECT": env.bool("DJANGO_SECURE_SSL_REDIRECT", True),
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": env.int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": env.bool("DJANGO_SECURE_HSTS_PRELOAD", True),
    }
    if BEHIND_PROXY:
        values["SECURE_PROXY_SSL_HEADER"] = ("HTTP_X_FORWARDED_PROTO", "https")
    return values


if not DEBUG:
    vars().update(https_settings())

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
