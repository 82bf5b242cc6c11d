"""The committee's page of one idea: the idea with everything the page shows, read in a fixed
number of queries, and what this user sees and may do on it (`idea_page_context`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ideas import questions, workflow
from ideas.models import Idea, IdeaEvent, IdeaQuestion
from ideas.workflow import Status
from triage.referrals import workflow as referral_workflow
from triage.referrals.forms import PartnerReplyForm, ReferForm, ReferralCancelForm
from triage.referrals.models import Referral, ReferralEvent, ReferralState
from triage.referrals.suggestions import partner_suggestions
from triage.review import merges, rules, selectors
from triage.review.forms import (
    AssignForm,
    ConflictForm,
    LinkForm,
    MergeForm,
    MessageTemplateChoiceForm,
    NoteForm,
    NoteReplyForm,
    ReviewForm,
    TransitionForm,
)
from triage.review.message_templates import (
    MessageTemplate,
    PartnerNeeded,
    TemplateKind,
    active_templates,
    message_template_fill,
)
from triage.review.models import (
    ConflictDeclaration,
    IdeaLink,
    Note,
    Recommendation,
    ReviewAssignment,
)
from triage.review.similarity import similar_ideas

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import QueryDict


def idea_for_page(reference: str) -> Idea | None:
    """Load an idea with everything its page shows, in a fixed number of queries."""
    return (
        Idea.objects.select_related("municipality", "call")
        .prefetch_related(
            "themes",
            "support_wanted",
            Prefetch("events", queryset=IdeaEvent.objects.select_related("actor")),
            Prefetch("questions", queryset=IdeaQuestion.objects.select_related("asked_by")),
            questions.answers_prefetch(),
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related(
                    "partner", "follow_up_survey"
                ).prefetch_related(
                    "answers",
                    "support_reports__kind",
                    # The owner's decisions for the partner, and what they wrote to each other.
                    "consents",
                    "relayed_messages",
                    Prefetch("events", queryset=ReferralEvent.objects.select_related("actor")),
                ),
            ),
            Prefetch(
                "notes",
                queryset=Note.objects.filter(parent=None)
                .select_related("author")
                .prefetch_related(
                    Prefetch("replies", queryset=Note.objects.select_related("author"))
                ),
            ),
            Prefetch(
                "conflicts",
                queryset=ConflictDeclaration.objects.select_related("member", "withdrawn_by"),
            ),
            Prefetch("assignments", queryset=ReviewAssignment.objects.select_related("member")),
            selectors.reviews_with_scores(),
        )
        .filter(reference=reference)
        .first()
    )


@dataclass(frozen=True)
class HistoryLine:
    """One line of the committee's history of an idea; `answer` is the resident's answer
    that made this move (the question it answers is `answer.question`)."""

    event: IdeaEvent
    answer: IdeaQuestion | None = None


def idea_history(idea: Idea) -> list[HistoryLine]:
    """The status changes with the resident's answers beside the moves they made (needs
    `events` and `questions` prefetched, as `idea_for_page` does)."""
    answered = sorted(
        ((q.answered_at, q) for q in idea.questions.all() if q.answered_at),
        key=lambda pair: pair[0],
    )
    lines = []
    for event in idea.events.all():
        answer = None
        if (
            event.from_status == Status.NEEDS_INFORMATION
            and event.actor_id is None
            and event.actor_label == "resident"
        ):
            # The answer is saved just before the move it causes, in the same transaction.
            earlier = [q for answered_at, q in answered if answered_at <= event.created_at]
            answer = earlier[-1] if earlier else None
        lines.append(HistoryLine(event=event, answer=answer))
    return lines


def linked_ideas(idea: Idea) -> list[Idea]:
    links = IdeaLink.objects.filter(Q(first=idea) | Q(second=idea)).values_list("first", "second")
    ids = {pk for pair in links for pk in pair} - {idea.pk}
    return list(
        Idea.objects.filter(pk__in=ids).only("pk", "reference", "title", "language", "status")
    )


def referral_rows(idea: Idea, user: User, bound: dict) -> list[dict]:
    """Each referral with the forms this user may use on it: withdraw it where the table lets
    the user, answer the partner's question where the partner asked one."""
    bound_cancel = bound.get("cancel_form")
    rows = []
    for referral in idea.referrals.all():
        cancel_form = None
        if ReferralState.CANCELLED in referral_workflow.next_states(referral.state, user):
            prefix = f"cancel-{referral.pk}"
            cancel_form = (
                bound_cancel
                if bound_cancel is not None and bound_cancel.prefix == prefix
                else ReferralCancelForm(prefix=prefix)
            )
        reply_form = None
        if rules.may_reply_to_partner(user, referral):
            reply_form = (
                bound.get("reply_form")
                if bound.get("reply_referral") == referral.pk
                else PartnerReplyForm(auto_id=f"reply-{referral.pk}-%s")
            )
        rows.append({"referral": referral, "cancel_form": cancel_form, "reply_form": reply_form})
    return rows


# Which templates each message to the owner on the page starts from.
TEMPLATE_KINDS = {
    "move": (TemplateKind.DECLINE, TemplateKind.QUESTION),
    "refer": (TemplateKind.REFERRAL,),
}


def _offers(place: str, idea: Idea, user: User) -> bool:
    if place == "move":
        return bool(workflow.next_states(idea.status, user))
    return workflow.may_refer(idea.status, user)


def template_prefill(*, idea: Idea, user: User, query: QueryDict) -> dict:
    """What the page needs to show a message to the owner started from a template (`?place=
    move|refer&template=<id>`): the form's initial values, the message filled in the owner's
    language, and a note where the template lacks that language; or the choice with its error.
    Only those who may send that message may fill it in."""
    place = query.get("place", "move")
    if place not in TEMPLATE_KINDS:
        place = "move"
    if not _offers(place, idea, user):
        raise PermissionDenied
    templates = active_templates(TEMPLATE_KINDS[place])
    form = MessageTemplateChoiceForm(query, place=place, templates=templates)
    key = f"{place}_template_form"
    if not form.is_valid():
        return {key: form}
    template = form.chosen()
    try:
        filled = message_template_fill(template, idea, form.cleaned_data.get("partner"))
    except PartnerNeeded:
        form.add_error(
            "partner" if "partner" in form.fields else "template",
            _("This template names the partner: choose the partner the message names."),
        )
        return {key: form}
    initial: dict[str, object] = {"message_to_owner": filled.text}
    if place == "move":
        # What the coordinator chose in the move form before picking the template stays.
        for name in ("to", "internal_note"):
            if query.get(name):
                initial[name] = query[name]
    elif form.cleaned_data.get("partner") is not None:
        initial["partners"] = [form.cleaned_data["partner"].pk]
    return {
        key: form,
        f"{place}_initial": initial,
        "template_note": _(
            "“%(template)s” has no text in the owner's language (%(language)s): the Swedish "
            "text is filled in. Translate it, or write the message yourself, before you send it."
        )
        % {"template": template.title, "language": idea.get_language_display()}
        if filled.fell_back
        else "",
        "template_place": place,
    }


def _template_form(
    place: str, bound: dict, templates: list[MessageTemplate]
) -> MessageTemplateChoiceForm | None:
    sent = bound.get(f"{place}_template_form")
    if sent is not None:  # the choice just made, with its error if it had one
        return sent
    offered = [t for t in templates if t.kind in TEMPLATE_KINDS[place]]
    return MessageTemplateChoiceForm(place=place, templates=offered) if offered else None


def idea_page_context(*, idea: Idea, user: User, bound: dict) -> dict:
    """What the idea's page shows this user, and the forms it offers; a form in `bound` (sent,
    with its errors) stands in for the empty one."""
    suggestions = partner_suggestions(idea)
    reviews = list(idea.reviews.all())
    my_review = next((review for review in reviews if review.member_id == user.pk), None)
    excluded = selectors.excluded_members(idea)
    declared = user.pk in excluded
    may_review = rules.may_score_idea(user, idea, declared_conflict=declared)
    sees_scores = rules.sees_others_scores(user, reviews, declared_conflict=declared)
    coordinating = rules.is_coordinating(user)
    criteria = list(selectors.active_criteria()) if may_review else []
    organisations = selectors.member_organisations(user)
    refer_form = bound.get("refer_form")
    # A merged idea is moved and referred with the idea it is handled together with.
    merge_view = merges.merges_for_page(idea)
    may_move = merge_view.into is None and bool(workflow.next_states(idea.status, user))
    may_refer = merge_view.into is None and workflow.may_refer(idea.status, user)
    # One query for both messages' templates, and none where no message is offered.
    templates = (
        active_templates((*TEMPLATE_KINDS["move"], *TEMPLATE_KINDS["refer"]))
        if may_move or may_refer
        else []
    )
    return {
        "idea": idea,
        "events": idea.events.all(),
        "history": idea_history(idea),
        "questions": idea.questions.all(),
        # The answers to the coordinator's questions, each with its wording as asked.
        "form_answers": questions.answers_shown(idea, language=get_language() or "sv"),
        "referrals": referral_rows(idea, user, bound),
        "notes": [(note, NoteReplyForm(note=note)) for note in idea.notes.all()],
        "assignments": idea.assignments.all(),
        "conflicts": idea.conflicts.all(),
        "move_form": (
            bound.get("move_form")
            or TransitionForm(idea=idea, actor=user, initial=bound.get("move_initial"))
        )
        if may_move
        else None,
        # A refused referral shows its form with the reason, even where none is offered.
        "refer_form": refer_form
        or (
            ReferForm(suggestions=suggestions, initial=bound.get("refer_initial"))
            if may_refer
            else None
        ),
        "move_template_form": _template_form("move", bound, templates) if may_move else None,
        "refer_template_form": _template_form("refer", bound, templates) if may_refer else None,
        # A move form sent back with an error keeps its choices when a template is then chosen.
        "move_carry": [
            (name, bound["move_form"].data.get(name, "")) for name in ("to", "internal_note")
        ]
        if bound.get("move_form") is not None
        else [],
        "template_note": bound.get("template_note", ""),
        "template_place": bound.get("template_place", ""),
        "suggestions": suggestions,
        "my_review": my_review,
        "review_form": (bound.get("review_form") or ReviewForm(criteria=criteria, review=my_review))
        if may_review
        else None,
        "sees_scores": sees_scores,
        "other_reviews": [r for r in reviews if r.submitted_at and r is not my_review]
        if sees_scores
        else [],
        "aggregate": selectors.aggregate(reviews, excluded) if sees_scores else None,
        "submitted_count": sum(
            1 for r in reviews if r.submitted_at and r.member_id not in excluded
        ),
        "declared_conflict": declared,
        "conflicts_member_ids": excluded,
        "conflict_prompt": []
        if declared
        else selectors.conflict_reasons(
            idea=idea, organisations=organisations, suggestions=suggestions
        ),
        "conflict_form": bound.get("conflict_form") or ConflictForm(),
        "note_form": bound.get("note_form") or NoteForm(),
        "link_form": bound.get("link_form") or LinkForm(),
        "assign_form": (bound.get("assign_form") or AssignForm()) if coordinating else None,
        "similar": similar_ideas(idea),
        "linked": linked_ideas(idea),
        # Duplicates (issue 21): this idea's merges, and merging others into it.
        "merges": merge_view,
        "may_merge": coordinating,
        "merge_form": (bound.get("merge_form") or MergeForm())
        if coordinating and merge_view.into is None and idea.status not in workflow.FINAL_STATES
        else None,
        "recommendations": Recommendation,
    }
