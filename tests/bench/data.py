"""The bench's database: the demo data plus enough bulk-created ideas to make lists realistic.

Runs inside a configured Django (tests.bench.settings). Bulk creation skips the submission
service on purpose: 10,000 ideas go in with a handful of bulk INSERTs, in seconds, and 100,000
in a minute or two. Called again with a larger count it adds only the missing ideas, so the
bench measures 10,000 and then 100,000 ideas on the same database (BENCH_SCALES).
"""

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ideas.models import (
    PRIVACY_TEXT_VERSION,
    Channel,
    Idea,
    IdeaEvent,
    Municipality,
    OrganisationKind,
    ReferenceCounter,
    Stage,
    SupportKind,
    Theme,
    hash_token,
)
from ideas.workflow import Status
from portal.outbox.models import Message, MessageKind, MessageState

# Rows per INSERT: 100,000 ideas with their links and history go in within a minute or two.
BATCH = 2000
# Most ideas in a real inbox are early in the workflow; the rest spread over the later states.
STATUS_WEIGHTS = {
    Status.RECEIVED: 20,
    Status.SCREENING: 12,
    Status.IN_REVIEW: 15,
    Status.NEEDS_INFORMATION: 5,
    Status.REFERRED: 12,
    Status.DECLINED: 8,
    Status.ON_HOLD: 4,
    Status.IN_SUPPORT: 8,
    Status.CLOSED: 12,
    Status.WITHDRAWN: 4,
}
WORDS = (
    "fiber",
    "bygdegård",
    "buss",
    "affär",
    "språkcafé",
    "ungdomsgård",
    "solceller",
    "matkasse",
    "bibliotek",
    "skola",
    "förening",
    "träffpunkt",
    "odling",
    "cykel",
    "laddstolpe",
    "hemtjänst",
    "kultur",
    "idrott",
    "natur",
    "turism",
)


@dataclass(frozen=True)
class BenchIdea:
    """An idea the bench requests pages of: its reference and its clear-text tracking token."""

    reference: str
    tracking_token: str


def ideas_bulk_create(target_count: int, *, seed: int = 20261127) -> BenchIdea | None:
    """Add ideas until the database holds `target_count`; return one of them for the pages.

    References follow the real scheme (IL-<year>-<number>) and the year's counter is moved past
    them, so submissions made during the bench get fresh numbers. Every idea gets random
    tracking token hashes, one to three themes, support kinds, its first history event and its
    receipt in the outbox, sent (as in production, where the outbox holds a mail or more for
    every idea).
    """
    missing = target_count - Idea.objects.count()
    if missing <= 0:
        return None
    rng = random.Random(seed)
    municipalities = list(Municipality.objects.all())
    themes = list(Theme.objects.all())
    supports = list(SupportKind.objects.all())
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    now = timezone.now()
    # Spread over the last two years, oldest first, so each year's numbers rise with time.
    moments = sorted(
        now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)) for _ in range(missing)
    )
    with transaction.atomic():
        counters = {
            year: last for year, last in ReferenceCounter.objects.values_list("year", "last")
        }
        sample_token = ""
        ideas = []
        for index, created_at in enumerate(moments):
            year = timezone.localtime(created_at).year
            counters[year] = counters.get(year, 0) + 1
            token = secrets.token_urlsafe(24)
            if index == len(moments) - 1:
                sample_token = token
            words = rng.sample(WORDS, 3)
            ideas.append(
                Idea(
                    reference=f"IL-{year}-{counters[year]:04d}",
                    title=f"{words[0].capitalize()} och {words[1]} i bygden {index}",
                    need=f"Behov kring {words[2]}.",
                    description=f"En idé om {words[0]}, {words[1]} och {words[2]}. " * 4,
                    municipality=rng.choice(municipalities),
                    place=f"By {index % 97}",
                    is_rural=rng.random() < 0.6,
                    stage=rng.choice(Stage.values),
                    submitter_name=f"Bänk Invånare {index}",
                    submitter_email=f"bank{index}@example.org",
                    organisation_kind=rng.choice(OrganisationKind.values),
                    consent_version=PRIVACY_TEXT_VERSION,
                    consent_given_at=created_at,
                    share_contact_with_partners=rng.random() < 0.5,
                    channel=rng.choice(Channel.values),
                    status=rng.choices(statuses, weights)[0],
                    tracking_token_hash=hash_token(token),
                    created_at=created_at,
                )
            )
        Idea.objects.bulk_create(ideas, batch_size=BATCH)
        for year, last in counters.items():
            ReferenceCounter.objects.update_or_create(year=year, defaults={"last": last})
        # bulk_create fills primary keys on PostgreSQL and SQLite 3.35+; read them back (by the
        # creation range, not a list of 100,000 references) only where it did not.
        if all(idea.pk for idea in ideas):
            ids = {idea.reference: idea.pk for idea in ideas}
        else:
            ids = dict(
                Idea.objects.filter(created_at__gte=moments[0]).values_list("reference", "pk")
            )
        theme_rows, support_rows, events, receipts = [], [], [], []
        idea_type = ContentType.objects.get_for_model(Idea)
        for idea in ideas:
            pk = ids[idea.reference]
            receipts.append(
                Message(
                    kind=MessageKind.RECEIPT,
                    recipient=idea.submitter_email,
                    subject=f"Tack för din idé {idea.reference}",
                    body_text=f"Vi har tagit emot din idé {idea.reference}: {idea.title}.",
                    state=MessageState.SENT,
                    attempts=1,
                    message_id=f"<{idea.reference}.bench@idelotsen.example.org>",
                    idempotency_key=f"receipt:{idea.reference}",
                    content_type=idea_type,
                    object_id=pk,
                    created_at=idea.created_at,
                    next_attempt_at=idea.created_at,
                    sent_at=idea.created_at + timedelta(seconds=5),
                )
            )
            for theme in rng.sample(themes, rng.randint(1, 3)):
                theme_rows.append(Idea.themes.through(idea_id=pk, theme_id=theme.pk))
            for support in rng.sample(supports, rng.randint(0, 2)):
                support_rows.append(
                    Idea.support_wanted.through(idea_id=pk, supportkind_id=support.pk)
                )
            events.append(
                IdeaEvent(
                    idea_id=pk,
                    to_status=Status.RECEIVED,
                    actor_label="resident",
                    created_at=idea.created_at,
                )
            )
            if idea.status != Status.RECEIVED:
                events.append(
                    IdeaEvent(
                        idea_id=pk,
                        from_status=Status.RECEIVED,
                        to_status=idea.status,
                        created_at=idea.created_at + timedelta(days=2),
                    )
                )
        Idea.themes.through.objects.bulk_create(theme_rows, batch_size=BATCH)
        Idea.support_wanted.through.objects.bulk_create(support_rows, batch_size=BATCH)
        IdeaEvent.objects.bulk_create(events, batch_size=BATCH)
        Message.objects.bulk_create(receipts, batch_size=BATCH)
    return BenchIdea(reference=ideas[-1].reference, tracking_token=sample_token)


def latest_reference_of(status: str) -> str | None:
    """The reference of the newest idea in a status (the triage page target), if any."""
    newest = Idea.objects.filter(status=status).aggregate(Max("created_at"))["created_at__max"]
    if newest is None:
        return None
    return (
        Idea.objects.filter(status=status, created_at=newest)
        .values_list("reference", flat=True)
        .first()
    )


def backup_codes_create(username: str, count: int) -> list[str]:
    """Give a staff account one-time backup codes, so simulated users pass the second factor.

    Production asks committee accounts for a second factor; the bench logs in the same way and
    spends one code per simulated user. Returns no codes when two-factor login is not installed.
    """
    try:
        from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    except ImportError:
        return []
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return []
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(count)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
