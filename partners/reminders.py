"""The mail that asks a partner's contacts to confirm or update the entry.

Every PARTNER_CONFIRM_REMINDER_MONTHS an entry goes unconfirmed, each of its contacts gets one
mail with a one-click confirm link. The outbox's idempotency key names the confirmation and
the period, so Celery beat may run the task as often as it likes: a second run in the same
period sends nothing, and confirming starts the count again.
"""

from dataclasses import dataclass
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from partners.entries import confirm_url
from partners.models import Partner
from portal.outbox.models import Message, MessageKind
from portal.outbox.services import message_enqueue

REMINDER_KEY = "partner-confirm"


@dataclass
class EntryReminderRun:
    partners: int = 0
    mails: int = 0


def entries_to_remind(now: datetime | None = None) -> QuerySet[Partner]:
    """Active entries not confirmed for PARTNER_CONFIRM_REMINDER_MONTHS or more."""
    cutoff = (now or timezone.now()) - relativedelta(
        months=settings.PARTNER_CONFIRM_REMINDER_MONTHS
    )
    return (
        Partner.objects.filter(is_active=True, confirmed_at__lte=cutoff)
        .prefetch_related("contacts")
        .order_by("pk")
    )


def reminder_period(partner: Partner, now: datetime | None = None) -> int:
    """How many whole reminder periods the entry has gone unconfirmed (1 for the first mail)."""
    age = relativedelta(now or timezone.now(), partner.confirmed_at)
    return (age.years * 12 + age.months) // max(1, settings.PARTNER_CONFIRM_REMINDER_MONTHS)


def entry_remind(partner: Partner, now: datetime | None = None) -> int:
    """Queue the mail to each contact of the partner, once per period; return how many are new."""
    period = reminder_period(partner, now)
    confirmed = int(partner.confirmed_at.timestamp())
    edit_url = settings.SITE_URL + reverse("partner_portal:entry")
    sent = 0
    for contact in partner.contacts.all():
        key = f"{REMINDER_KEY}:{partner.pk}:{confirmed}:{period}:contact:{contact.pk}"
        if Message.objects.filter(idempotency_key=key).exists():
            continue
        message_enqueue(
            kind=MessageKind.REMINDER,
            recipient=contact.email,
            template="partner_entry_reminder",
            context={
                "partner": partner,
                "contact": contact,
                "confirmed_at": partner.confirmed_at,
                "confirm_url": confirm_url(contact=contact),
                "edit_url": edit_url,
                "stale_months": settings.PARTNER_STALE_MONTHS,
            },
            language=contact.language,
            idempotency_key=key,
            about=partner,
        )
        sent += 1
    return sent


def entry_reminders_send(*, now: datetime | None = None) -> EntryReminderRun:
    """Send the confirm-or-update mails that are due; running it again sends nothing new."""
    run = EntryReminderRun()
    for partner in entries_to_remind(now):
        with transaction.atomic():
            mails = entry_remind(partner, now)
        if mails:
            run.partners += 1
            run.mails += mails
    return run
