"""The fingerprint that proves what an idea said when it was sent, so its owner can show it is
theirs.

An idea's content is written down in a canonical form and hashed; the receipt (page, mail,
printed receipt) and the tracking page carry the hash. The form, so that anyone can compute the
fingerprint again from what the tracking page shows (format 1):

- a JSON object (RFC 8259) in UTF-8, its keys sorted by Unicode code point, without any
  whitespace between the tokens (`{"a":1,"b":[]}`), letters outside ASCII written as themselves;
  in strings only `"` and `\\` are escaped (`\\"`, `\\\\`), and control characters as `\\n`,
  `\\r`, `\\t`, `\\b`, `\\f` or `\\u00XX` (lowercase hex);
- with exactly these keys:
  - `format`: `1`;
  - `reference`: the reference number, `"IL-2026-0007"`;
  - `version`: `1` for the idea as sent, `2`, `3`, ... for each later change;
  - `recorded_at`: when the version was recorded (version 1: when the idea was sent), in UTC
    to the second, `"2026-12-02T09:41:07Z"`;
  - `title`, `need`, `description`, `beneficiaries`, `place`: the texts as stored, line breaks
    as sent (`"\\r\\n"` from a browser);
  - `municipality`: the municipality's official code, `"1885"`; the whole county `"18"`;
  - `is_rural`: `true` or `false`;
  - `stage`: `"idea"`, `"started"` or `"running"`;
  - `themes`, `support_wanted`: the keys (slugs) of the chosen terms, sorted, `["broadband"]`;
  - `attachments`: the SHA-256 of each attached file's bytes, lowercase hex, sorted.

The fingerprint is the SHA-256 of those bytes, in lowercase hex (64 characters). It covers what
the idea says, where and when, never who sent it: the owner's name, contact details and
organisation stay out, so that erasing them leaves the fingerprint true and the proof intact,
and no one can test names against it. The receipt, sent to the owner, ties the reference to them.

Erasure (ideas/erasure.py) also takes the owner's name, address, phone and organisation out of
the texts themselves where the owner wrote them there, in the idea and in each stored version's
content, and keeps each version's fingerprint as it was recorded. The fingerprint then still
proves that a text the owner kept (the receipt, their own copy) is the one sent at that time,
since no one can make another text with the same hash; but the version the tracking page shows
no longer gives that fingerprint when something was taken out of it. A version with nothing to
take out still does.
"""

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ideas.models import Idea

FORMAT = 1
# The fields of the idea form (ideas.forms.IDEA_FIELDS) that say what the idea is, in the form's
# order; the form's other fields are about its owner (a test holds the two lists to the form).
CONTENT_FIELDS = (
    "title",
    "need",
    "description",
    "beneficiaries",
    "municipality",
    "place",
    "is_rural",
    "themes",
    "stage",
    "support_wanted",
)
OWNER_FIELDS = (
    "submitter_name",
    "submitter_email",
    "submitter_phone",
    "organisation_name",
    "organisation_kind",
    "language",
    "share_contact_with_partners",
    "public_listing",
)
# What differs between two versions of the same text.
VERSION_KEYS = ("version", "recorded_at")


def utc_seconds(moment: datetime) -> str:
    """`moment` in UTC to the second, as the canonical form writes it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def idea_content(
    idea: Idea,
    *,
    version: int,
    recorded_at: datetime,
    themes: Iterable[str],
    support_wanted: Iterable[str],
    attachments: Iterable[str],
) -> dict[str, Any]:
    """What the idea says, as the canonical form's object of version `version`: its own fields,
    the slugs of its themes and kinds of support and the SHA-256 of each of its files."""
    return {
        "format": FORMAT,
        "reference": idea.reference,
        "version": version,
        "recorded_at": utc_seconds(recorded_at),
        "title": idea.title,
        "need": idea.need,
        "description": idea.description,
        "beneficiaries": idea.beneficiaries,
        "municipality": idea.municipality.code,
        "place": idea.place,
        "is_rural": idea.is_rural,
        "stage": idea.stage,
        "themes": sorted(themes),
        "support_wanted": sorted(support_wanted),
        "attachments": sorted(attachments),
    }


def canonical_bytes(content: dict[str, Any]) -> bytes:
    """The canonical form of `content`: the bytes the fingerprint is the hash of."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def fingerprint(content: dict[str, Any]) -> str:
    """The SHA-256 of the canonical form, in lowercase hex."""
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def same_text(content: dict[str, Any], other: dict[str, Any]) -> bool:
    """Tell whether two versions say the same, whenever each was recorded."""

    def text(value: dict[str, Any]) -> dict[str, Any]:
        return {key: item for key, item in value.items() if key not in VERSION_KEYS}

    return text(content) == text(other)


def file_sha256(chunks: Iterable[bytes]) -> str:
    """The SHA-256 of a file's bytes, given in chunks, in lowercase hex."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()
