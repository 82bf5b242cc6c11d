"""The paper receipt of assisted intake and the shared tablet it is printed from.

A resident without email or camera has only the paper: it must carry everything they need to
follow the idea (a short code they can type, whom to call), in their language; and the next
resident at the same tablet must find nothing of the one before.
"""

import re

import pytest
from django.urls import reverse

from ideas.models import Idea
from ideas.tokens import short_code, short_code_typed
from tests.factories import IdeaFactory
from tests.ideas.test_intake import fast_form

pytestmark = pytest.mark.django_db


def register(staff_client, event, **fields):
    staff_client.post(reverse("ideas:intake"), {"choose": "1", "event": event.pk})
    return staff_client.post(reverse("ideas:intake_new"), fast_form(**fields), follow=True)


def printed_code(page: str) -> str:
    found = re.search(r'id="short-code" dir="ltr">([0-9A-Z]{4}-[0-9A-Z]{4})<', page)
    assert found, "the receipt prints no short code"
    return found.group(1)


def test_the_receipt_carries_what_a_resident_without_email_needs(staff_client, event, settings):
    settings.PARTNERSHIP_PHONE = "019-123 45 67"
    page = register(staff_client, event, title="Bokbuss till byn").content.decode()
    idea = Idea.objects.get()
    assert "“Bokbuss till byn”" in page
    assert idea.reference in page
    assert "Karavanen i Kopparberg, Utanför Ica" in page
    code = printed_code(page)
    assert code.replace("-", "") == short_code(idea.tracking_token)
    assert f"/t/{idea.reference}/{code}/" in page
    assert "019-123 45 67" in page
    assert "Om du tappar bort papperet" in page  # what to do if it is lost
    assert "Skriv ut kvittot" in page  # the print button (shown by the script)


def test_the_receipt_is_in_the_residents_language_around_the_staffs_page(staff_client, event):
    page = register(staff_client, event, language="ar").content.decode()
    receipt = page[page.index('class="receipt"') : page.index('class="no-print')]
    assert 'lang="ar" dir="rtl"' in page
    assert "إذا أضعت هذه الورقة" in receipt
    assert "Om du tappar bort papperet" not in receipt
    assert "Registrera nästa idé" in page  # the staff's own controls stay Swedish


def test_the_short_code_opens_the_tracking_page_however_it_is_typed(client, staff_client, event):
    code = printed_code(register(staff_client, event).content.decode())
    idea = Idea.objects.get()
    typed = [
        (idea.reference, code),
        (idea.reference.lower().replace("-", " "), code.lower().replace("-", "")),
        (idea.reference, code.replace("0", "O").replace("1", "l")),
    ]
    for reference, written in typed:
        response = client.post(
            reverse("ideas:short_code"), {"reference": reference, "code": written}
        )
        assert response.status_code == 302, (reference, written)
        assert response["Location"].endswith(f"/track/{idea.tracking_token}/")
        assert "no-store" in response["Cache-Control"]
    link = client.get(reverse("ideas:short_link", args=[idea.reference, code]))
    assert link["Location"].endswith(f"/track/{idea.tracking_token}/")


def test_a_wrong_code_says_what_to_check_and_keeps_what_was_typed(client, staff_client, event):
    register(staff_client, event)
    idea = Idea.objects.get()
    wrong = "ZZZZ-ZZZZ" if short_code(idea.tracking_token) != "ZZZZZZZZ" else "YYYY-YYYY"
    response = client.post(
        reverse("ideas:short_code"), {"reference": idea.reference, "code": wrong}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Vi hittade ingen idé med det referensnumret och den koden" in page
    assert f'value="{idea.reference}"' in page and f'value="{wrong}"' in page
    assert 'aria-describedby="' in page and 'id="error-summary"' in page
    assert idea.tracking_token not in page
    # Another idea's reference with this idea's code opens nothing either.
    other = register(staff_client, event, title="Ett annat").content.decode()
    response = client.post(
        reverse("ideas:short_code"),
        {"reference": idea.reference, "code": printed_code(other)},
    )
    assert response.status_code == 200 and "Vi hittade ingen idé" in response.content.decode()
    assert client.get(reverse("ideas:short_link", args=[idea.reference, wrong])).status_code == 404


def test_wrong_codes_are_limited_per_address_and_right_ones_are_not(
    client, staff_client, event, settings
):
    settings.IDEAS_SHORT_CODE_RATE = "3/h"
    code = printed_code(register(staff_client, event).content.decode())
    idea = Idea.objects.get()
    for _ in range(3):
        client.post(reverse("ideas:short_code"), {"reference": idea.reference, "code": "AAAA-AAAA"})
    limited = client.post(reverse("ideas:short_code"), {"reference": idea.reference, "code": code})
    assert limited.status_code == 429
    assert "Många fel koder" in limited.content.decode()
    assert client.get(reverse("ideas:short_link", args=[idea.reference, code])).status_code == 429


def test_an_erased_idea_has_no_code_that_opens_it(client, staff_client, event):
    code = printed_code(register(staff_client, event).content.decode())
    idea = Idea.objects.get()
    Idea.objects.filter(pk=idea.pk).update(tracking_salt="", tracking_token_hash="")
    response = client.post(reverse("ideas:short_code"), {"reference": idea.reference, "code": code})
    assert response.status_code == 200 and "Vi hittade ingen idé" in response.content.decode()


def test_typing_reads_letters_that_look_like_digits_as_digits():
    assert short_code_typed(" k7qm-4xpa ") == "K7QM4XPA"
    assert short_code_typed("O1IL") == "0111"


def test_the_next_resident_finds_nothing_of_the_one_before(staff_client, event):
    first = register(
        staff_client, event, title="Hemlig idé", submitter_name="Ingrid Ek", language="sv"
    )
    assert "Hemlig idé" in first.content.decode()
    assert "no-store" in first["Cache-Control"]
    form = staff_client.get(reverse("ideas:intake_new"))
    page = form.content.decode()
    assert "no-store" in form["Cache-Control"]
    assert "Hemlig idé" not in page and "Ingrid Ek" not in page
    assert 'autocomplete="off"' in page
    assert not re.search(r'<input[^>]+autocomplete="(?!off)', page), "a field asks for autofill"
    # The receipt cannot be brought back once the next form is open.
    again = staff_client.get(reverse("ideas:intake_receipt"))
    assert again.status_code == 302 and again["Location"] == reverse("ideas:intake_new")


def test_staff_see_where_the_ideas_they_registered_stand_and_not_who_sent_them(
    staff_client, event, committee_member
):
    register(staff_client, event, title="Bokbuss till byn", submitter_name="Ingrid Ek")
    register(
        staff_client,
        event,
        title="Från papper",
        submitter_email="ingrid@example.org",
        submitter_phone="070-111 22 33",
        on_paper="on",
    )
    Idea.objects.filter(title="Bokbuss till byn").update(status="screening")
    IdeaFactory(title="Någon annans idé")  # not registered by this staff member

    response = staff_client.get(reverse("ideas:intake_registered"))
    page = response.content.decode()
    assert response.status_code == 200
    for idea in Idea.objects.exclude(title="Någon annans idé"):
        assert idea.reference in page
    assert "Bokbuss till byn" in page and "Sållning" in page
    assert "Från papper" in page and "pappersblankett" in page
    assert "Karavanen i Kopparberg, Utanför Ica" in page
    assert "Någon annans idé" not in page
    for personal in ("Ingrid Ek", "ingrid@example.org", "070-111 22 33"):
        assert personal not in page
    # Only outreach staff (and the coordinator) have the list.
    staff_client.force_login(committee_member)
    assert staff_client.get(reverse("ideas:intake_registered")).status_code == 403
