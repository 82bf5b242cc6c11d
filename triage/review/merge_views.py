"""Merging duplicates on the committee's idea page, and undoing a merge: thin, the rules are in
`triage.review.merges`. Only the coordinator (or an administrator) may do either."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ideas.models import Idea
from portal.roles import COORDINATING, AuthenticatedHttpRequest, role_required
from triage.review.forms import MergeForm
from triage.review.merges import MergeRefused, merge_ideas, merge_undo
from triage.review.views import get_idea, idea_page, to_idea


@require_POST
@role_required(*COORDINATING)
def idea_merge(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Merge the ideas named in the form into this one, which stays."""
    kept = get_idea(reference)
    form = MergeForm(request.POST)
    if form.is_valid():
        try:
            made = merge_ideas(
                kept=kept, merged=form.cleaned_data["references"], actor=request.user
            )
        except MergeRefused as error:
            form.add_error("references", str(error))
        else:
            messages.success(
                request,
                _("Handled together with this idea now: %(references)s.")
                % {"references": ", ".join(merge.merged.reference for merge in made)},
            )
            return to_idea(kept, "duplicates-heading")
    return idea_page(request, kept, merge_form=form, status=400)


@require_POST
@role_required(*COORDINATING)
def idea_merge_undo(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Handle this merged idea on its own again."""
    merged = get_object_or_404(Idea, reference=reference)
    try:
        merge = merge_undo(merged=merged, actor=request.user)
    except MergeRefused as error:
        messages.error(request, str(error))
        return to_idea(merged, "duplicates-heading")
    messages.success(
        request,
        _("%(reference)s is handled on its own again.") % {"reference": merged.reference},
    )
    # Back to the page the coordinator came from: the kept idea's or the merged one's.
    back = merge.kept if request.POST.get("back") == "kept" else merged
    return to_idea(back, "duplicates-heading")
