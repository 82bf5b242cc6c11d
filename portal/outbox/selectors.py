"""Reads of the outbox."""

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.urls import Resolver404, resolve, reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from portal.outbox.models import Message, MessageKind, MessageState


def messages_for_committee(*, state: str | None = None) -> QuerySet[Message]:
    """Every message, newest first, optionally only those in one state; for the list, so
    without the bodies (a referral mail's HTML with its inlined styles is about 5 kB, fifty
    of them a page), which only a message's own page reads."""
    messages = Message.objects.defer("body_text", "body_html")
    if state in MessageState.values:
        messages = messages.filter(state=state)
    return messages


LIST_PAGE_SIZE = 50


@dataclass(frozen=True)
class ListPage:
    """One page of the outbox list, newest first, and whether pages come before and after it."""

    rows: list[Message]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def list_page(*, state: str | None, number: str | None) -> ListPage:
    """Page `number` of `messages_for_committee`, as the address gives it (anything but digits
    is the first page; none is past the millionth), without counting every message: the outbox
    holds a mail or more for every idea, and on PostgreSQL a COUNT of 100,000 messages took
    29 ms, ten times the page's own rows. One row more than a page is read to know whether an
    older page follows."""
    page_number = int(number) if number and number.isascii() and number.isdigit() else 1
    page_number = min(max(page_number, 1), 10**6)
    start = (page_number - 1) * LIST_PAGE_SIZE
    rows = list(messages_for_committee(state=state)[start : start + LIST_PAGE_SIZE + 1])
    return ListPage(
        rows=attach_list_labels(rows[:LIST_PAGE_SIZE]),
        number=page_number,
        has_next=len(rows) > LIST_PAGE_SIZE,
    )


def attach_list_labels(messages: Iterable[Message]) -> list[Message]:
    """Give each message of a page of the list `kind_label`, `state_label` (in the language of
    the request) and `url` (its own page).

    Each `get_FOO_display` builds the field's whole table of choices again, and each `{% url %}`
    resolves the route again: for fifty rows that was a third of the list's time."""
    kinds, states = dict(MessageKind.choices), dict(MessageState.choices)
    # The address of message 0, with the 0 taken off the end of its path.
    prefix = reverse("outbox:detail", args=[0]).removesuffix("0/")
    messages = list(messages)
    for message in messages:
        # A page's attributes, read by the list's template; not fields of the model.
        message.kind_label = kinds.get(message.kind, message.kind)  # type: ignore[attr-defined]
        message.state_label = states.get(message.state, message.state)  # type: ignore[attr-defined]
        message.url = f"{prefix}{message.pk}/"  # type: ignore[attr-defined]
    return messages


def messages_about(obj: Model) -> QuerySet[Message]:
    """The messages stored as being about `obj` (the `about` of `message_enqueue`)."""
    return Message.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )


def messages_about_any(model: type[Model], ids: Iterable[int]) -> QuerySet[Message]:
    """The messages stored as being about any of the `model` rows with these ids."""
    wanted = list(ids)
    if not wanted:
        return Message.objects.none()
    return Message.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=wanted
    )


def messages_holding(values: Iterable[str]) -> QuerySet[Message]:
    """The messages to, replying to, or whose subject or bodies hold one of `values`, as typed
    or HTML-escaped, in any case the database folds; none for no values. For erasure, beside
    the messages known to be about the person: it reads every row."""
    found = Q()
    for value in {value.strip() for value in values if value and value.strip()}:
        # As typed, as the templates escape it, and as the CSS inliner writes the HTML out
        # again (only &, < and > escaped: `Bröd &amp; Rosor i O'Hara`).
        for form in {value, str(escape(value)), html.escape(value, quote=False)}:
            found |= (
                Q(subject__icontains=form)
                | Q(body_text__icontains=form)
                | Q(body_html__icontains=form)
            )
        if "@" in value:
            found |= Q(recipient__iexact=value) | Q(reply_to__iexact=value)
    if not found:
        return Message.objects.none()
    return Message.objects.filter(found)


def messages_to(address: str) -> QuerySet[Message]:
    """The messages to one email address, in any case; none for an empty address."""
    if not address:
        return Message.objects.none()
    return Message.objects.filter(recipient__iexact=address)


def messages_mentioning(text: str) -> QuerySet[Message]:
    """The messages whose subject or text body holds `text` (a reference number, for example);
    none for an empty text."""
    if not text:
        return Message.objects.none()
    return Message.objects.filter(Q(subject__contains=text) | Q(body_text__contains=text))


_URL = re.compile(r"https?://[^\s<>\"']+")


def hide_private_links(text: str) -> str:
    """The text with every private link left out: a link whose address holds a token (the
    resident's tracking and draft links, a partner's answer link) opens what it names to
    whoever holds it, so staff reading a message never see one."""
    # Links in mails start with SITE_URL, which may carry a path of its own.
    prefix = urlsplit(settings.SITE_URL).path.rstrip("/")

    def replace(match: re.Match) -> str:
        path = urlsplit(match.group(0)).path
        if prefix and path.startswith(prefix + "/"):
            path = path[len(prefix) :]
        try:
            found = resolve(path)
        except Resolver404:
            return match.group(0)
        if "token" in found.kwargs:
            return "[" + _("private link, not shown") + "]"
        return match.group(0)

    return _URL.sub(replace, text)
