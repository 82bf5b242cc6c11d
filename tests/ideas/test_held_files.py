"""A form that comes back with an error keeps the files that passed the check (WCAG 3.3.7): the
resident sees them ticked, in their language, sends the corrected form without choosing them
again, and the idea gets the same bytes. Nothing from elsewhere comes in, and nothing stays."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from ideas import held_files, services
from ideas.forms import IdeaSubmitForm
from ideas.models import HeldFile, Idea
from tests.ideas.conftest import valid_form
from tests.ideas.test_attachments import JPEG, PDF, PNG, upload
from tests.ideas.test_intake import fast_form

pytestmark = pytest.mark.django_db
SUBMIT = "/idea/new/"
KEPT = re.compile(r'<input type="checkbox"[^>]* name="kept_files" value="([^"]+)"([^>]*)>')


def kept_values(page: str) -> list[str]:
    return [value for value, _attrs in KEPT.findall(page)]


def test_a_file_sent_with_an_error_is_kept_ticked_and_comes_with_the_corrected_idea(
    client, django_capture_on_commit_callbacks
):
    first = client.post(SUBMIT, {**valid_form(title=""), "attachments": [upload("karta.png", PNG)]})
    page = first.content.decode()
    assert first.status_code == 200 and Idea.objects.count() == 0
    assert "Filer som du redan har valt" in page
    assert "karta.png" in page
    assert "Vi sparar dem åt dig. Avmarkera en fil om du inte vill skicka med den." in page
    assert "välja filerna igen" not in page  # the old help text asked for them again
    assert [attrs.split() for _value, attrs in KEPT.findall(page)] == [
        ['id="id_kept_files_0"', "checked"]
    ]
    held = HeldFile.objects.get()
    held_path = Path(held.file.path)
    assert held_path.read_bytes() == PNG

    with django_capture_on_commit_callbacks(execute=True):
        client.post(SUBMIT, valid_form(kept_files=kept_values(page)))

    idea = Idea.objects.get()
    attachment = idea.attachments.get()
    assert (attachment.original_name, attachment.content_type) == ("karta.png", "image/png")
    assert Path(attachment.file.path).read_bytes() == PNG
    assert HeldFile.objects.count() == 0
    assert not held_path.exists()  # the kept copy goes once the idea has the file


def test_kept_files_come_back_again_after_a_second_error_with_the_new_ones(client):
    first = client.post(SUBMIT, {**valid_form(title=""), "attachments": [upload("a.png", PNG)]})
    second = client.post(
        SUBMIT,
        {
            **valid_form(consent=""),
            "kept_files": kept_values(first.content.decode()),
            "attachments": [upload("b.pdf", PDF)],
        },
    )
    page = second.content.decode()
    assert "a.png" in page and "b.pdf" in page
    assert len(kept_values(page)) == 2
    client.post(SUBMIT, valid_form(kept_files=kept_values(page)))
    assert sorted(Idea.objects.get().attachments.values_list("original_name", flat=True)) == [
        "a.png",
        "b.pdf",
    ]


def test_an_unticked_file_is_left_out(client):
    first = client.post(SUBMIT, {**valid_form(title=""), "attachments": [upload("karta.png", PNG)]})
    assert kept_values(first.content.decode())
    client.post(SUBMIT, valid_form())  # the box was unticked: no value comes back
    assert not Idea.objects.get().attachments.exists()


def test_the_kept_files_count_against_the_limit_and_nothing_is_lost_over_it(client):
    first = client.post(
        SUBMIT,
        {**valid_form(title=""), "attachments": [upload("1.png", PNG), upload("2.png", PNG)]},
    )
    over = client.post(
        SUBMIT,
        {
            **valid_form(),
            "kept_files": kept_values(first.content.decode()),
            "attachments": [upload("3.png", PNG), upload("4.jpg", JPEG)],
        },
    )
    page = over.content.decode()
    assert Idea.objects.count() == 0
    assert "Du kan bifoga högst 3 filer, de som du redan har valt medräknade." in page
    values = kept_values(page)
    assert len(values) == 4  # the new files are kept too, for the resident to choose among
    client.post(SUBMIT, valid_form(kept_files=values[1:]))
    names = Idea.objects.get().attachments.values_list("original_name", flat=True)
    assert sorted(names) == ["2.png", "3.png", "4.jpg"]


def test_a_double_tap_sends_the_kept_file_with_the_first_idea_and_the_second_gets_no_error(
    client, django_capture_on_commit_callbacks
):
    """Two requests from one tap both read the kept file before either is stored: the first
    idea takes it, the second is stored without it instead of failing on deleted bytes."""
    first = client.post(SUBMIT, {**valid_form(title=""), "attachments": [upload("karta.png", PNG)]})
    data = valid_form(kept_files=kept_values(first.content.decode()))
    taps = [IdeaSubmitForm(data), IdeaSubmitForm(data)]
    assert all(form.is_valid() for form in taps)
    stored = []
    for form in taps:
        with django_capture_on_commit_callbacks(execute=True):
            stored.append(
                services.idea_submit(
                    **form.idea_fields(),
                    attachments=form.cleaned_data["attachments"],
                    answers=form.answers(),
                ).idea
            )
    assert [list(idea.attachments.values_list("original_name", flat=True)) for idea in stored] == [
        ["karta.png"],
        [],
    ]
    assert Path(stored[0].attachments.get().file.path).read_bytes() == PNG
    assert HeldFile.objects.count() == 0


def test_a_refused_file_is_named_and_the_good_one_beside_it_kept(client):
    response = client.post(
        SUBMIT,
        {
            **valid_form(),
            "attachments": [upload("bra.png", PNG), upload("virus.pdf", b"MZ\x90 not a pdf")],
        },
    )
    page = response.content.decode()
    assert "”virus.pdf” är inte en PDF-, PNG- eller JPEG-fil." in page
    assert [held.original_name for held in HeldFile.objects.all()] == ["bra.png"]
    assert len(kept_values(page)) == 1


@pytest.mark.parametrize(
    "value",
    [
        "not-signed",
        signing.dumps("0" * 32, salt=held_files.SALT),  # signed, but no such file
        "",
    ],
)
def test_a_value_not_made_by_the_portal_brings_nothing_and_is_no_error(client, value):
    client.post(SUBMIT, valid_form(kept_files=[value]))
    assert not Idea.objects.get().attachments.exists()


def test_a_kept_file_signed_for_another_purpose_is_not_taken(client):
    first = client.post(SUBMIT, {**valid_form(title=""), "attachments": [upload("karta.png", PNG)]})
    assert kept_values(first.content.decode())
    forged = signing.dumps(HeldFile.objects.get().pk.hex)  # the right id, the wrong salt
    client.post(SUBMIT, valid_form(kept_files=[forged]))
    assert not Idea.objects.get().attachments.exists()


def test_a_file_kept_past_its_time_is_not_brought_back_and_is_purged(
    client, settings, django_capture_on_commit_callbacks
):
    settings.IDEAS_HELD_FILES_HOURS = 24
    first = client.post(SUBMIT, {**valid_form(title=""), "attachments": [upload("karta.png", PNG)]})
    values = kept_values(first.content.decode())
    held = HeldFile.objects.get()
    path = Path(held.file.path)
    HeldFile.objects.filter(pk=held.pk).update(created_at=timezone.now() - timedelta(hours=25))
    client.post(SUBMIT, valid_form(kept_files=values))
    assert not Idea.objects.get().attachments.exists()

    fresh = client.post(SUBMIT, {**valid_form(title=""), "attachments": [upload("ny.png", PNG)]})
    assert kept_values(fresh.content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        from ideas.tasks import purge_held_files

        assert purge_held_files() == 1
    assert not path.exists()
    assert [held.original_name for held in HeldFile.objects.all()] == ["ny.png"]


def test_a_form_a_machine_filled_in_keeps_nothing(client):
    client.post(
        SUBMIT,
        {**valid_form(website="http://spam.example"), "attachments": [upload("x.png", PNG)]},
    )
    assert HeldFile.objects.count() == 0


def test_past_the_limit_of_kept_forms_the_resident_is_told_to_choose_again(client, settings):
    settings.RATELIMIT_ENABLE = True
    settings.IDEAS_HOLD_RATE = "1/h"
    client.post(SUBMIT, {**valid_form(title=""), "attachments": [upload("a.png", PNG)]})
    second = client.post(SUBMIT, {**valid_form(title=""), "attachments": [upload("b.png", PNG)]})
    page = second.content.decode()
    assert [held.original_name for held in HeldFile.objects.all()] == ["a.png"]
    assert "Välj dina filer igen när du skickar formuläret" in page
    assert 'href="#id_attachments"' in page  # in the error summary, tied to the field


@pytest.mark.parametrize(
    ("language", "label", "not_shown"),
    [
        ("en", "Files you have already chosen", "Filer som du redan har valt"),
        ("ar", "الملفات التي اخترتها من قبل", "Filer som du redan har valt"),
        ("sv-easy", "Ta bort bocken vid en fil om du inte vill skicka den.", "Avmarkera"),
    ],
)
def test_the_kept_files_speak_the_residents_language(client, language, label, not_shown):
    client.cookies["django_language"] = language
    response = client.post(
        SUBMIT, {**valid_form(title=""), "attachments": [upload("karta.png", PNG)]}
    )
    page = response.content.decode()
    assert label in page
    assert not_shown not in page


def test_outreach_staff_keep_the_residents_photo_through_an_error(staff_client, event):
    staff_client.post(reverse("ideas:intake"), {"choose": "1", "event": event.pk})
    first = staff_client.post(
        reverse("ideas:intake_new"), {**fast_form(title=""), "attachments": [upload("f.jpg", JPEG)]}
    )
    values = kept_values(first.content.decode())
    assert values
    staff_client.post(reverse("ideas:intake_new"), fast_form(kept_files=values))
    assert Idea.objects.get().attachments.get().original_name == "f.jpg"


def test_the_privacy_notice_says_how_long_kept_files_stay(client, settings):
    settings.IDEAS_HELD_FILES_HOURS = 24
    page = client.get(reverse("privacy_notice")).content.decode()
    assert "sparar vi filerna som du har valt i högst 24 timmar" in page
