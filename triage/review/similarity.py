"""Ideas that may be duplicates of one another: a simple, explainable likeness, compared only
between ideas written in the same language (an Arabic and a Swedish idea are never compared as
raw text: their words cannot meet).

The likeness of two ideas is the share of words they have in common (Jaccard: shared words over
all their words) in their title, need and idea, after normalisation (Unicode NFKC, case folded,
Arabic diacritics and letter variants made one, words of three letters or more, a few very common
Swedish and English words left out). The page names the shared words, so the committee sees why.

It is computed in Python over a bounded set of candidates chosen by one query: the same
language, still open, not merged into another idea, sent in the last `CANDIDATE_MONTHS` months,
the newest `CANDIDATES` of them. So the page costs the same two queries however many ideas there
are, and works on any database.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ideas import workflow
from ideas.models import Idea
from triage.review.merges import active_merges

THRESHOLD = 0.15
LIMIT = 5
CANDIDATES = 300
CANDIDATE_MONTHS = 18

_WORD = re.compile(r"\w{3,}", re.UNICODE)
# Arabic short vowels and other marks, and the tatweel: written or not, the word is the same.
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})
# Words that say nothing of what an idea is about.
STOPWORDS = frozenset(
    [
        "och",
        "att",
        "som",
        "för",
        "med",
        "den",
        "det",
        "till",
        "har",
        "inte",
        "kan",
        "vill",
        "ska",
        "från",
        "alla",
        "vår",
        "våra",
        "our",
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "are",
        "can",
        "want",
        "will",
        "from",
        "all",
    ]
)


def normalised_words(text: str) -> frozenset[str]:
    """The words of a text, normalised as the module's docstring says."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS)
    return frozenset(word for word in _WORD.findall(text) if word not in STOPWORDS)


def idea_words(title: str, need: str, description: str) -> frozenset[str]:
    return normalised_words(f"{title} {need} {description}")


@dataclass(frozen=True)
class Likeness:
    score: float
    shared: tuple[str, ...]


def likeness(mine: frozenset[str], theirs: frozenset[str]) -> Likeness:
    """The share of words two ideas have in common, and those words (sorted)."""
    union = mine | theirs
    if not union:
        return Likeness(0.0, ())
    shared = mine & theirs
    return Likeness(len(shared) / len(union), tuple(sorted(shared)))


def comparable(first_language: str, second_language: str) -> bool:
    """Only ideas stored in the same language are compared (sv-easy is Swedish)."""
    return first_language.split("-")[0] == second_language.split("-")[0]


@dataclass(frozen=True)
class SimilarIdea:
    """A possible duplicate, with why: its likeness and the words shared."""

    idea: Idea
    score: float
    shared: tuple[str, ...]

    @property
    def pk(self) -> int:
        return self.idea.pk


def _candidates(idea: Idea) -> list[tuple[int, str, str, str, str]]:
    choices = [str(code) for code, _name in settings.LANGUAGES]
    languages = [code for code in choices if comparable(code, idea.language)] or [idea.language]
    since = timezone.now() - timedelta(days=31 * CANDIDATE_MONTHS)
    merged = active_merges().filter(merged=OuterRef("pk"))
    return list(
        Idea.objects.filter(
            language__in=languages,
            status__in=workflow.OPEN_STATES,
            created_at__gte=since,
            anonymised_at__isnull=True,
        )
        .exclude(pk=idea.pk)
        .exclude(Exists(merged))
        .order_by("-created_at")
        .values_list("pk", "language", "title", "need", "description")[:CANDIDATES]
    )


def similar_ideas(idea: Idea, *, limit: int = LIMIT) -> list[SimilarIdea]:
    """The open ideas in the idea's language most like it, best first: two queries."""
    mine = idea_words(idea.title, idea.need, idea.description)
    if not mine:
        return []
    found: dict[int, Likeness] = {}
    for pk, language, title, need, description in _candidates(idea):
        if not comparable(language, idea.language):
            continue
        alike = likeness(mine, idea_words(title, need, description))
        if alike.score >= THRESHOLD:
            found[pk] = alike
    best = sorted(found, key=lambda pk: (-found[pk].score, pk))[:limit]
    if not best:
        return []
    ideas = {
        other.pk: other
        for other in Idea.objects.filter(pk__in=best)
        .only("pk", "reference", "title", "language", "status", "municipality__name")
        .select_related("municipality")
    }
    return [
        SimilarIdea(idea=ideas[pk], score=found[pk].score, shared=found[pk].shared)
        for pk in best
        if pk in ideas
    ]
