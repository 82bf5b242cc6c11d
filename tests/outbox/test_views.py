"""The committee's outbox page: every message with its state, a filter, and resend."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.outbox.models import MessageState
from portal.roles import Role
from tests.factories import UserFactory
from tests.outbox.test_outbox import make_message, state_of

pytestmark = pytest.mark.django_db


def test_the_committee_sees_every_message_with_its_state(committee_client):
    make_message(subject="Första idén", state=MessageState.SENT)
    make_message(subject="Andra idén", state=MessageState.FAILED, last_error="550 No such user")

    page = committee_client.get(reverse("outbox:list")).content.decode()

    assert "Första idén" in page and "Andra idén" in page
    assert "550 No such user" in page


def _row_of(page: str, subject: str) -> list[str]:
    """The cells of the list's row of the message `subject`, as text."""
    row = re.search(rf"<tr>((?:(?!</tr>).)*>{re.escape(subject)}</a>.*?)</tr>", page, re.S)
    assert row, f"no row for {subject}"
    cells = row.group(1).split("<td")[1:]
    return [" ".join(re.sub(r"<[^>]+>|^[^>]*>", " ", cell).split()) for cell in cells]


@pytest.mark.parametrize(
    ("language", "kind", "sent", "failed", "created_at", "sent_at"),
    [
        (
            "sv",
            "Lotsning till en partner",
            "Skickad",
            "Misslyckad",
            "2026-03-05 15:30",
            "2026-03-05 15:31",
        ),
        (
            "en",
            "Referral to a partner",
            "Sent",
            "Failed",
            "5 Mar 2026, 15:30",
            "5 Mar 2026, 15:31",
        ),
    ],
)
def test_each_row_says_the_kind_state_and_times_in_the_readers_language_and_opens_its_message(
    committee_client, language, kind, sent, failed, created_at, sent_at
):
    # 14:30 UTC is 15:30 in Sweden in March.
    created = datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    delivered = make_message(
        subject="Gick fram",
        state=MessageState.SENT,
        created_at=created,
        sent_at=created + timedelta(minutes=1),
    )
    bounced = make_message(subject="Studsade", state=MessageState.FAILED, last_error="550 Nej")

    page = committee_client.get(
        reverse("outbox:list"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()

    assert _row_of(page, "Gick fram")[:2] == [created_at, kind]
    assert _row_of(page, "Gick fram")[4] == f"{sent} {sent_at}"
    assert _row_of(page, "Studsade")[4] == f"{failed} 550 Nej"
    for message in (delivered, bounced):
        link = reverse("outbox:detail", args=[message.pk])
        assert f'<a href="{link}"' in page
        assert committee_client.get(link).status_code == 200


def test_the_list_reads_no_message_bodies_and_a_message_page_shows_its_text(committee_client):
    """Fifty HTML bodies with their inlined styles are a quarter of a megabyte the list never
    shows: it reads the rows without them, and the message's own page still shows its text."""
    message = make_message(
        subject="Ett brev med brödtext",
        body_text="Texten som bara meddelandets sida visar.",
        body_html="<p>" + "Stil och text. " * 2000 + "</p>",
    )

    with CaptureQueriesContext(connection) as queries:
        page = committee_client.get(reverse("outbox:list")).content.decode()

    assert "Ett brev med brödtext" in page
    assert "Texten som bara" not in page
    listed = [q["sql"] for q in queries.captured_queries if "outbox_message" in q["sql"]]
    assert listed and not any("body_text" in sql or "body_html" in sql for sql in listed)
    shown = committee_client.get(reverse("outbox:detail", args=[message.pk])).content.decode()
    assert "Texten som bara meddelandets sida visar." in shown


def test_the_committee_can_filter_to_failed_messages(committee_client):
    make_message(subject="Gick fram", state=MessageState.SENT)
    make_message(subject="Studsade", state=MessageState.FAILED)

    page = committee_client.get(reverse("outbox:list"), {"state": "failed"}).content.decode()

    assert "Studsade" in page
    assert "Gick fram" not in page


def test_the_committee_resends_a_failed_message_with_the_same_message_id(
    committee_client, django_capture_on_commit_callbacks
):
    message = make_message(state=MessageState.FAILED, attempts=1, last_error="550 No such user")
    url = reverse("outbox:resend", args=[message.pk])
    assert url in committee_client.get(reverse("outbox:list")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = committee_client.post(url, {"state": "failed"})

    assert response.status_code == 302
    assert response["Location"] == reverse("outbox:list") + "?state=failed"
    assert state_of(message).state == MessageState.SENT
    assert mail.outbox[0].message()["Message-ID"] == message.message_id


def test_resend_is_not_possible_with_a_get(committee_client):
    message = make_message(state=MessageState.FAILED)
    response = committee_client.get(reverse("outbox:resend", args=[message.pk]))
    assert response.status_code == 405
    assert state_of(message).state == MessageState.FAILED


def test_a_queued_message_is_not_sent_twice_by_a_resend(committee_client):
    message = make_message(state=MessageState.SENDING)
    response = committee_client.post(reverse("outbox:resend", args=[message.pk]), follow=True)
    assert response.status_code == 200
    assert state_of(message).state == MessageState.SENDING
    assert mail.outbox == []


@pytest.mark.parametrize("role", [Role.PARTNER_CONTACT, Role.OUTREACH_STAFF])
def test_other_roles_can_neither_read_nor_resend(client, role):
    message = make_message(state=MessageState.FAILED)
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("outbox:list")).status_code == 403
    assert client.post(reverse("outbox:resend", args=[message.pk])).status_code == 403
    assert state_of(message).state == MessageState.FAILED


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    message = make_message(state=MessageState.FAILED)
    for response in (
        client.get(reverse("outbox:list")),
        client.post(reverse("outbox:resend", args=[message.pk])),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert state_of(message).state == MessageState.FAILED


def test_the_menu_links_to_the_outbox(committee_client):
    page = committee_client.get(reverse("triage:dashboard")).content.decode()
    assert reverse("outbox:list") in page


def test_an_administrator_can_resend_from_the_admin(client, django_capture_on_commit_callbacks):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    failed = make_message(state=MessageState.FAILED)
    being_sent = make_message(state=MessageState.SENDING)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:outbox_message_changelist"),
            {"action": "resend", "_selected_action": [failed.pk, being_sent.pk]},
        )

    assert response.status_code == 302
    assert state_of(failed).state == MessageState.SENT
    assert state_of(being_sent).state == MessageState.SENDING
    assert len(mail.outbox) == 1


def test_the_page_links_keep_the_state_filter(committee_client):
    from portal.outbox.models import Message, MessageState

    Message.objects.bulk_create(
        Message(
            kind="receipt",
            recipient=f"r{n}@example.org",
            subject="s",
            body_text="t",
            message_id=f"<page-{n}@x>",
            idempotency_key=f"page-{n}",
            state=MessageState.FAILED,
        )
        for n in range(60)
    )
    page = committee_client.get(reverse("outbox:list"), {"state": "failed"}).content.decode()
    assert "?state=failed&amp;page=2" in page


def test_the_list_pages_back_through_every_message_without_counting_them(committee_client):
    """A mail or more for every idea: the list never counts them all (a COUNT of 100,000
    messages took 29 ms on PostgreSQL), it reads one row more than a page to know whether an
    older page follows."""
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    for n in range(120):
        make_message(subject=f"Brev {n:03d}", created_at=start + timedelta(minutes=n))

    def subjects(page: str) -> list[str]:
        return re.findall(r">(Brev \d{3})</a>", page)

    with CaptureQueriesContext(connection) as queries:
        first = committee_client.get(reverse("outbox:list"), HTTP_ACCEPT_LANGUAGE="en")
    first = first.content.decode()
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert subjects(first) == [f"Brev {n:03d}" for n in range(119, 69, -1)]
    assert '<a class="page-link" href="?page=2">Older</a>' in first
    assert "Newer" not in first and ">Page 1<" in first
    last = committee_client.get(reverse("outbox:list"), {"page": "3"}).content.decode()
    assert subjects(last) == [f"Brev {n:03d}" for n in range(19, -1, -1)]
    assert '<a class="page-link" href="?page=2">Nyare</a>' in last
    assert "Äldre" not in last and ">Sida 3<" in last
    for nonsense in ("0", "-1", "abc", "²", "٣", " 2"):
        page = committee_client.get(reverse("outbox:list"), {"page": nonsense})
        assert page.status_code == 200
        assert subjects(page.content.decode()) == subjects(first), nonsense
    beyond = committee_client.get(reverse("outbox:list"), {"page": "9"}).content.decode()
    assert "Inga meddelanden." in beyond and ">Sida 9<" in beyond
    far = committee_client.get(reverse("outbox:list"), {"page": "9" * 40}).content.decode()
    assert "Inga meddelanden." in far and ">Sida 1000000<" in far


def test_the_list_offers_to_resend_only_failed_messages(committee_client):
    failed = make_message(subject="Studsade", state=MessageState.FAILED)
    sent = make_message(subject="Gick fram", state=MessageState.SENT)
    page = committee_client.get(reverse("outbox:list")).content.decode()
    assert reverse("outbox:resend", args=[failed.pk]) in page
    assert reverse("outbox:resend", args=[sent.pk]) not in page


def test_a_sent_message_goes_again_only_after_the_page_asked(
    committee_client, django_capture_on_commit_callbacks
):
    sent = make_message(subject="Gick fram", state=MessageState.SENT)
    url = reverse("outbox:resend", args=[sent.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = committee_client.post(url, follow=True)
    page = response.content.decode()
    assert state_of(sent).state == MessageState.SENT and mail.outbox == []
    assert "Skicka det igen? Mottagaren får det en gång till." in page

    with django_capture_on_commit_callbacks(execute=True):
        committee_client.post(url, {"again": "yes"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].message()["Message-ID"] == sent.message_id


def test_a_message_can_be_opened_and_its_private_links_are_not_shown(committee_client):
    message = make_message(
        kind="receipt",
        subject="Tack för din idé",
        state=MessageState.SENT,
        body_text=(
            "Hej Bo!\nFölj din idé här: http://127.0.0.1:8000/track/hemlig-token-123/\n"
            "Svara partnern: http://127.0.0.1:8000/referral/answer/signerad:token/\n"
            "Läs mer: http://127.0.0.1:8000/privacy/"
        ),
    )
    list_page = committee_client.get(reverse("outbox:list")).content.decode()
    assert reverse("outbox:detail", args=[message.pk]) in list_page

    page = committee_client.get(reverse("outbox:detail", args=[message.pk])).content.decode()

    assert "Följ din idé här: [privat länk, visas inte]" in page
    assert "Svara partnern: [privat länk, visas inte]" in page
    assert "http://127.0.0.1:8000/privacy/" in page
    assert "hemlig-token-123" not in page and "signerad:token" not in page


@pytest.mark.parametrize("role", [Role.PARTNER_CONTACT, Role.OUTREACH_STAFF])
def test_other_roles_cannot_open_a_message(client, role):
    message = make_message(body_text="Hemlig text")
    client.force_login(UserFactory(roles=[role]))
    response = client.get(reverse("outbox:detail", args=[message.pk]))
    assert response.status_code == 403
    assert "Hemlig text" not in response.content.decode()


def test_private_links_are_left_out_when_the_site_lives_under_a_path(committee_client, settings):
    settings.SITE_URL = "https://example.org/idelotsen"
    message = make_message(body_text="Följ din idé: https://example.org/idelotsen/track/hemlig/")
    page = committee_client.get(reverse("outbox:detail", args=[message.pk])).content.decode()
    assert "Följ din idé: [privat länk, visas inte]" in page
    assert "hemlig" not in page


def test_the_admin_cannot_make_or_remove_a_mail_by_hand(client):
    """Mail is written only by the outbox service, in the change's transaction."""
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    message = make_message(state=MessageState.SENT)

    changelist = client.get(reverse("admin:outbox_message_changelist")).content.decode()
    assert reverse("admin:outbox_message_add") not in changelist
    assert client.get(reverse("admin:outbox_message_add")).status_code == 403
    delete_url = reverse("admin:outbox_message_delete", args=[message.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert state_of(message).pk == message.pk
