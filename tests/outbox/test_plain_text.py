"""Mail subjects and text bodies are plain text: a title's quotes, ampersands and angle brackets
arrive as typed, never as HTML entities; the HTML part still escapes them."""

import pytest
from django.core import mail
from django.urls import reverse

from ideas import workflow
from ideas.models import Idea
from tests.factories import PartnerFactory
from tests.ideas.conftest import valid_form

pytestmark = pytest.mark.django_db
TITLE = 'Bybuss "Norra" & <Ramsberg>'


def test_a_title_with_quotes_ampersand_and_brackets_reaches_the_partner_as_typed(
    client, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ideas:submit"), valid_form(title=TITLE))
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert idea.title == TITLE
    partner = PartnerFactory(name="Byalaget Ramsberg")
    client.force_login(coordinator)
    for status in (workflow.Status.SCREENING, workflow.Status.IN_REVIEW):
        client.post(reverse("triage:idea_move", args=[idea.reference]), {"to": status})
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("triage:idea_refer", args=[idea.reference]),
            {
                "partners": [partner.pk],
                "note": "Kan ni hjälpa?",
                "note_to_partners": "Kan ni hjälpa?",
            },
        )
    assert response.status_code == 302

    referral = next(m for m in mail.outbox if m.to == [partner.contacts.get().email])
    assert referral.subject == f"En idé till er: {TITLE} ({idea.reference})"
    for entity in ("&quot;", "&amp;", "&lt;", "&gt;", "&#"):
        assert entity not in referral.subject
        assert entity not in referral.body
    assert TITLE in referral.body
    html = referral.alternatives[0][0]
    assert "&lt;Ramsberg&gt;" in html
    assert "<Ramsberg>" not in html
