"""Ideas outreach staff took on a tablet with no network, stored once when the tablet syncs.

The tablet (static/js/intake-offline.js) keeps each idea in an encrypted queue with an id it
made itself, and sends the queue to `/intake/sync/` when the network returns. Each queued idea
holds the same fields and consent choices as the online assisted-intake form and is checked by
that very form (`ideas.forms.AssistedIdeaForm`); the id makes the sync safe to repeat: an idea
that arrives again (an interrupted sync, a double tap, two tabs) gets the reference it got the
first time, and is stored once.

An idea's photos and files travel with it as file parts of the same request, named
`file-<device_id>-<n>`; the same form checks them by their content and within the same limits
as online. A repeat stores nothing, files included.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from ideas import questions, services
from ideas.forms import AssistedIdeaForm
from ideas.models import PRIVACY_TEXT_VERSION, Idea, OutreachEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# At most this many ideas in one sync request: a day at a stop is far fewer.
SYNC_MAX_IDEAS = 50


@dataclass(frozen=True)
class SyncOutcome:
    """What became of one queued idea: stored with its reference, or refused with the reasons."""

    device_id: str
    reference: str = ""
    reasons: tuple[str, ...] = field(default=())

    @property
    def stored(self) -> bool:
        return bool(self.reference)

    def as_json(self) -> dict[str, Any]:
        return {
            "device_id": self.device_id,
            "state": "stored" if self.stored else "refused",
            "reference": self.reference,
            "reasons": list(self.reasons),
        }


def queue_max_age() -> timedelta:
    """How long a tablet keeps a queued idea before it empties the queue (a setting)."""
    return timedelta(hours=getattr(settings, "OFFLINE_QUEUE_MAX_HOURS", 24))


def offline_ideas_store(
    *,
    queued: Sequence[Any],
    registered_by: "User",
    files: "MultiValueDict[str, UploadedFile] | None" = None,
) -> list[SyncOutcome]:
    """Store each queued idea of one sync once; say for each what became of it.

    `files` are the request's file parts: each idea gets those named after its device_id.
    """
    files = files if files is not None else MultiValueDict()
    return [
        offline_idea_store(queued=item, registered_by=registered_by, files=_files_of(item, files))
        for item in queued
    ]


def _files_of(queued: Any, files: "MultiValueDict[str, UploadedFile]") -> list[UploadedFile]:
    """The file parts sent for one idea, in their order (`file-<device_id>-<n>`)."""
    if not isinstance(queued, Mapping):
        return []
    prefix = f"file-{str(queued.get('device_id') or '')[:64]}-"
    numbered: list[tuple[int, UploadedFile]] = []
    for name in files:
        number = name[len(prefix) :] if name.startswith(prefix) else ""
        if number.isdigit():
            numbered.extend((int(number), upload) for upload in files.getlist(name))
    return [upload for _number, upload in sorted(numbered, key=lambda pair: pair[0])]


def offline_idea_store(
    *, queued: Any, registered_by: "User", files: Sequence[UploadedFile] = ()
) -> SyncOutcome:
    """Store one idea taken offline, once however often it arrives, or say why it cannot be.

    `queued` is what the tablet sent: `device_id` (a UUID it made), `event` (the id of the
    event chosen online that morning), `taken_at` (when the resident gave consent),
    `consent_version` (the privacy text the form showed) and `fields`, the form's fields as
    lists of strings, the way the online form posts them; `files` (a list of names and
    content types as the tablet read them) says how many files the idea has, and `files` here
    are those that arrived with it.
    """
    if not isinstance(queued, Mapping):
        return SyncOutcome(device_id="", reasons=(_("The idea could not be read."),))
    raw_id = str(queued.get("device_id") or "")[:64]
    try:
        device_id = UUID(raw_id)
    except ValueError:
        return SyncOutcome(
            device_id=raw_id,
            reasons=(_("The idea has no id from the tablet. Register it again online."),),
        )
    # Already stored: a repeat gets the same reference, and nothing is stored twice.
    known = Idea.objects.filter(device_id=device_id).values_list("reference", flat=True).first()
    if known:
        return SyncOutcome(device_id=str(device_id), reference=known)
    problems = _problems(queued)
    event = _event(queued.get("event"))
    if event is None:
        problems.append(_("The event the idea was taken at is not known. Choose it again."))
    data = _form_data(queued.get("fields"))
    if data is None:
        problems.append(_("The idea's fields could not be read."))
        return SyncOutcome(device_id=str(device_id), reasons=tuple(problems))
    announced = queued.get("files") or []
    if not isinstance(announced, list) or len(announced) != len(files):
        # Never store an idea without the photo the resident gave with it.
        problems.append(_("The idea's files did not arrive. Register the idea again online."))
    form = AssistedIdeaForm(data, MultiValueDict({"attachments": list(files)}), event=event)
    if not form.is_valid():
        problems.extend(_form_reasons(form))
    if problems:
        return SyncOutcome(device_id=str(device_id), reasons=tuple(problems))
    try:
        with transaction.atomic():
            submitted = services.idea_submit(
                **form.idea_fields(),
                attachments=form.cleaned_data["attachments"],
                outreach_event=event,
                registered_by=registered_by,
                on_paper=form.cleaned_data["on_paper"],
                device_id=device_id,
                consent_given_at=_taken_at(queued.get("taken_at")),
                # The committee's questions are on the tablet's form too (ideas/questions.py).
                answers=form.answers(),
                call=questions.current_call(),
            )
    except IntegrityError:
        # The same idea arrived in another request at the same moment (two tabs): that one
        # stored it, so this one answers with its reference.
        known = Idea.objects.filter(device_id=device_id).values_list("reference", flat=True).first()
        if not known:
            raise
        return SyncOutcome(device_id=str(device_id), reference=known)
    return SyncOutcome(device_id=str(device_id), reference=submitted.idea.reference)


def _problems(queued: Mapping[str, Any]) -> list[str]:
    if queued.get("consent_version") != PRIVACY_TEXT_VERSION:
        return [
            _(
                "The privacy text has changed since the form was opened on the tablet. Ask "
                "the resident again with the new text and register the idea online."
            )
        ]
    return []


def _event(value: Any) -> OutreachEvent | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return OutreachEvent.objects.select_related("municipality").filter(pk=pk).first()


def _form_data(fields: Any) -> QueryDict | None:
    """The fields as the online form posts them; None if they are not lists of strings."""
    if not isinstance(fields, Mapping):
        return None
    data = QueryDict(mutable=True)
    for name, values in fields.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return None
        data.setlist(str(name), values)
    return data


def _form_reasons(form: AssistedIdeaForm) -> list[str]:
    """Each error as the staff member reads it: the field's label, then what is wrong."""
    reasons = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for message in errors:
            reasons.append(f"{label}: {message}" if label else str(message))
    return reasons


def _taken_at(value: Any) -> datetime:
    """When the resident gave consent on the tablet; never later than now, nor older than the
    queue may be (a tablet's clock can be wrong)."""
    now = timezone.now()
    try:
        taken = datetime.fromisoformat(str(value))
    except ValueError:
        return now
    if timezone.is_naive(taken):
        return now
    return min(max(taken, now - queue_max_age()), now)
