"""Files chosen in a form that came back with an error: kept, so that they need not be chosen
again (WCAG 3.3.7, and no second upload over a poor connection).

When the resident's form or the staff's assisted intake has an error, the files that passed
the content check are stored as `HeldFile`s and the form offers them, ticked, as "files you
have already chosen"; each one is named in the page by a signed value, so that a form can
only ever bring back files it was given. Sending the idea moves them to its attachments;
Celery beat deletes what is left after IDEAS_HELD_FILES_HOURS (the privacy notice says so).
"""

from collections.abc import Iterable, Sequence
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from ideas.models import HeldFile
from portal.text import single_line

if TYPE_CHECKING:
    from ideas.services import Attachment

SALT = "ideas.held-file"


def held_lifetime() -> timedelta:
    return timedelta(hours=getattr(settings, "IDEAS_HELD_FILES_HOURS", 24))


def files_hold(attachments: Sequence["Attachment"]) -> list[HeldFile]:
    """Keep the checked files of a form that is shown again; those already kept stay as they are."""
    held = []
    for attachment in attachments:
        if attachment.held_id is not None:
            continue
        kept = HeldFile(
            original_name=single_line(attachment.name)[:200] or "file",
            content_type=attachment.content_type,
            size=attachment.upload.size or 0,
        )
        kept.file.save("held", attachment.upload, save=False)
        kept.save()
        held.append(kept)
    return held


def held_value(held: HeldFile) -> str:
    """What the form sends back for a kept file: its id, signed."""
    return signing.dumps(held.pk.hex, salt=SALT)


def held_label(held: HeldFile) -> str:
    return f"{held.original_name} ({filesizeformat(held.size)})"


def files_held(values: Iterable[str]) -> list[tuple[str, HeldFile]]:
    """The kept files a form sent back, each with its value, in the form's order: values that
    were not made here, or whose files have expired or been used, bring nothing."""
    by_value: dict[str, UUID] = {}
    for value in values:
        try:
            held_id = UUID(hex=signing.loads(value, salt=SALT, max_age=held_lifetime()))
        except (signing.BadSignature, TypeError, ValueError):
            continue
        if held_id not in by_value.values():
            by_value[value] = held_id
    if not by_value:
        return []
    found = HeldFile.objects.filter(
        pk__in=by_value.values(), created_at__gte=timezone.now() - held_lifetime()
    )
    by_id = {held.pk: held for held in found}
    return [(value, by_id[held_id]) for value, held_id in by_value.items() if held_id in by_id]


def held_attachment(held: HeldFile) -> "Attachment":
    """A kept file as the service stores it: its content was checked when it was kept."""
    from ideas.services import Attachment

    return Attachment(
        upload=held.file, name=held.original_name, content_type=held.content_type, held_id=held.pk
    )


def held_still_there(attachments: Sequence["Attachment"]) -> list["Attachment"]:
    """The attachments with the kept files among them that no other request has taken yet.

    A double tap sends the same kept files twice: the rows are locked, so the second request
    waits for the first and then finds them gone (and their bytes with them) instead of
    failing on a file that has been deleted under it. Call inside the idea's transaction."""
    wanted = [attachment.held_id for attachment in attachments if attachment.held_id is not None]
    if not wanted:
        return list(attachments)
    there = set(
        HeldFile.objects.select_for_update().filter(pk__in=wanted).values_list("pk", flat=True)
    )
    return [
        attachment
        for attachment in attachments
        if attachment.held_id is None or attachment.held_id in there
    ]


def files_release(held_ids: Iterable[UUID]) -> int:
    """Delete kept files that have become an idea's attachments; their bytes go after the
    commit, so that an idea that fails to be stored keeps them."""
    return _delete(HeldFile.objects.filter(pk__in=list(held_ids)))


def held_files_purge(*, older_than: timedelta | None = None) -> int:
    """Delete the kept files of forms nobody sent (Celery beat, hourly)."""
    limit = timezone.now() - (older_than if older_than is not None else held_lifetime())
    return _delete(HeldFile.objects.filter(created_at__lt=limit))


def _delete(held_files: "QuerySet[HeldFile]") -> int:
    deleted = 0
    for held in held_files:
        name = held.file.name or ""
        storage = held.file.storage
        held.delete()
        if name:
            transaction.on_commit(partial(storage.delete, name))
        deleted += 1
    return deleted
