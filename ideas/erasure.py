"""The pieces of an owner's erasure (`ideas.services.idea_erase_personal_data`): what to look
for, and the copies outside the idea's own columns (sessions, files, the admin's log).

Every copy of the owner's name, email address, phone number and organisation is replaced by
`portal.redaction.REDACTED` in every form it is stored in (see portal/redaction.py):

- the idea's own fields are emptied, and its free texts (title, need, description, ...) lose
  the values wherever the owner wrote them;
- each version of the idea (ideas/authorship.py) loses them from its content too, while its
  fingerprint is kept as it was: it still proves that the text the owner kept (the receipt, a
  copy) is the one sent at that time, but the portal can no longer show that text in full;
- status changes and questions and answers (the owner's answers are free text);
- the owner's drafts (by the address, or sent as this idea) are deleted with their mails' text;
- attachments: the file is deleted from disk and its name replaced; the row stays as the record
  that there was one (size, type and the SHA-256 that the fingerprint covers);
- sessions that point at the idea or the drafts, or hold the values, forget them;
- stored mails (every encoding) and the local mail folder: `portal.outbox.services`;
- what the apps above `ideas` keep (referrals, notes, reviews): `ideas.hooks.before_erasure`.
"""

import json
import re
from functools import partial
from importlib import import_module

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from ideas.models import Idea, IdeaAttachment, IdeaDraft
from portal import redaction

# The session keys of the resident's pages that point at an idea or a draft (ideas/views.py).
SESSION_SUBMITTED = "ideas.submitted"
SESSION_DRAFT = "ideas.draft"
SESSION_INTAKE_RECEIPT = "ideas.intake_receipt"
# Session engines whose sessions live in the database, where erasure can reach them. A signed
# cookie is on the resident's device; a cache-only session expires with the cache.
DATABASE_SESSION_ENGINES = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
)
# The idea's free texts, where the owner may have written their own name or number.
FREE_TEXT_FIELDS = ("title", "need", "description", "beneficiaries", "place")


def owner_values(idea: Idea) -> list[str]:
    """What identifies the owner: name, email address, phone and organisation (for a small
    association its name says who sent the idea)."""
    values = [
        idea.submitter_name,
        idea.submitter_email,
        idea.submitter_phone,
        idea.organisation_name,
    ]
    return [value.strip() for value in values if value and value.strip()]


def owner_pattern(idea: Idea) -> re.Pattern[str] | None:
    """Every form of the owner's details (and the parts of their name standing alone), for the
    hooks that redact what other apps keep; call it before the erasure empties the fields."""
    return redaction.personal_pattern(owner_values(idea), names=[idea.submitter_name])


def owner_drafts(idea: Idea) -> QuerySet[IdeaDraft]:
    """The drafts saved from the owner's address, and the one sent as this idea."""
    drafts = models.Q(submitted_idea=idea)
    if idea.submitter_email:
        drafts |= models.Q(email__iexact=idea.submitter_email)
    return IdeaDraft.objects.filter(drafts)


def other_ideas_of_owner(idea: Idea) -> QuerySet[Idea]:
    """The other ideas sent from the owner's address whose data is not erased: erasing one idea
    leaves them and their mails alone."""
    if not idea.submitter_email:
        return Idea.objects.none()
    return (
        Idea.objects.filter(submitter_email__iexact=idea.submitter_email, anonymised_at=None)
        .exclude(pk=idea.pk)
        .only("pk", "reference")
    )


def rows_redact(
    queryset: QuerySet, fields: tuple[str, ...], pattern: re.Pattern[str] | None
) -> int:
    """Redact `fields` of every row of `queryset` (text or JSON); return how many changed."""
    if pattern is None:
        return 0
    changed_rows = 0
    for row in queryset.only("pk", *fields).order_by("pk"):
        changed = {}
        for field in fields:
            original = getattr(row, field)
            value = (
                redaction.redact(original, pattern)
                if isinstance(original, str)
                else redaction.redact_json(original, pattern)
            )
            if value != original:
                changed[field] = value
        if changed:
            type(row)._base_manager.filter(pk=row.pk).update(**changed)
            changed_rows += 1
    return changed_rows


def attachments_erase(idea: Idea) -> int:
    """Delete the files sent with the idea (a photo of the owner, a letter with their name are
    personal data) and replace their names; keep each row as the record that there was a file.

    The files go after the commit: an erasure that fails keeps them.
    """
    erased = 0
    for attachment in IdeaAttachment.objects.filter(idea=idea).exclude(file=""):
        name = attachment.file.name or ""
        storage = attachment.file.storage
        IdeaAttachment.objects.filter(pk=attachment.pk).update(
            file="", original_name=f"{redaction.REDACTED}{attachment.extension}"
        )
        transaction.on_commit(partial(storage.delete, name))
        erased += 1
    # A row whose file is already gone keeps no name either.
    IdeaAttachment.objects.filter(idea=idea, file="").exclude(
        original_name__startswith=redaction.REDACTED
    ).update(original_name=redaction.REDACTED)
    return erased


def sessions_forget(*, idea: Idea, draft_ids: set[int], pattern: re.Pattern[str] | None) -> int:
    """Remove from every stored session what points at the idea (its receipt page, a printed
    receipt), at one of the drafts, or holds the owner's details; return how many changed.

    Each session keeps the rest of what it holds, so nobody is logged out.
    """
    if settings.SESSION_ENGINE not in DATABASE_SESSION_ENGINES:
        return 0
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    markers = [marker for marker in (idea.reference, idea.tracking_token) if marker]
    changed = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        drop = []
        for key, value in data.items():
            text = json.dumps(value, ensure_ascii=False, default=str)
            if (
                any(marker in text for marker in markers)
                or (key == SESSION_DRAFT and value in draft_ids)
                or (pattern is not None and pattern.search(text))
            ):
                drop.append(key)
        if not drop:
            continue
        store = store_class(session_key=session.session_key)
        for key in drop:
            store.pop(key, None)
        # Saved, never deleted: a staff member stays logged in, and the request that erases
        # (whose own session Django saves after the view) finds its session still there.
        store.save()
        changed += 1
    return changed


def admin_log_redact(idea: Idea, pattern: re.Pattern[str] | None) -> int:
    """The admin's log names an idea by its reference and title, and says what was changed."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Idea), object_id=str(idea.pk)
    )
    return rows_redact(entries, ("object_repr", "change_message"), pattern)
