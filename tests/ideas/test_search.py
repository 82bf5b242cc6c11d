"""The committee's search on every database: the document the database keeps follows the idea."""

import pytest

from ideas.models import Idea
from ideas.search import search_ideas
from ideas.services import idea_erase_personal_data
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def found(text: str) -> set[str]:
    return {idea.title for idea in search_ideas(Idea.objects.all(), text)}


def test_every_word_is_looked_for_in_all_the_idea_texts():
    IdeaFactory(
        title="Samlingslokal",
        need="Ingen plats att ses.",
        place="Ramsberg",
        beneficiaries="Pensionärer",
        organisation_name="Byalaget",
    )
    IdeaFactory(title="Fiber", description="Bredband till Ramsberg.")

    assert found("ramsberg") == {"Samlingslokal", "Fiber"}
    assert found("Ramsberg pensionärer") == {"Samlingslokal"}
    assert found("byalaget") == {"Samlingslokal"}
    assert found("  ") == {"Samlingslokal", "Fiber"}  # no text, no filter


def test_the_document_follows_an_edit_and_the_erasure():
    idea = IdeaFactory(title="Samlingslokal", organisation_name="Raderbara byalaget")
    assert found("raderbara") == {"Samlingslokal"}

    Idea.objects.filter(pk=idea.pk).update(title="Mötesplats")
    assert found("mötesplats") == {"Mötesplats"}

    idea_erase_personal_data(idea=idea)
    assert found("raderbara") == set()
    assert found(idea.reference) == {"Mötesplats"}
