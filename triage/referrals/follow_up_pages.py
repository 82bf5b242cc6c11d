"""The owner's follow-up survey page, behind the token of the survey mail: no login, no
JavaScript, in the idea's language whoever opens it. Thin: form -> service -> redirect."""

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ideas.forms import Text
from triage.referrals.follow_up import (
    RATINGS,
    TEXT_MAX_LENGTH,
    FollowUpAlreadyAnswered,
    FollowUpError,
    FollowUpSurvey,
    follow_up_answer,
    survey_check_open,
    survey_for_token,
)

RATING_LABELS = {
    1: gettext_lazy("1 – not at all"),
    2: gettext_lazy("2 – a little"),
    3: gettext_lazy("3 – partly"),
    4: gettext_lazy("4 – mostly"),
    5: gettext_lazy("5 – fully"),
}
CHOOSE_A_RATING = gettext_lazy("Choose a number from 1 to 5.")


class FollowUpSurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Did you get the help you needed?"),
        choices=[(value, RATING_LABELS[value]) for value in RATINGS],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("1 means not at all, 5 means fully."),
        error_messages={"required": CHOOSE_A_RATING, "invalid_choice": CHOOSE_A_RATING},
    )
    what_happened = Text(
        label=gettext_lazy("What happened?"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Optional. In your own words: what did the partner do with you?"),
    )
    for_the_partnership = Text(
        label=gettext_lazy("Is there anything the partnership should know?"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Optional."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


@require_http_methods(["GET", "POST"])
def follow_up_survey(request: HttpRequest, token: str) -> HttpResponse:
    survey = survey_for_token(token)
    if survey is None:
        # No idea to take a language from: the request's language.
        return render(
            request,
            "triage/follow_up_survey_closed.html",
            {
                "message": _(
                    "We cannot find these questions. Check that you copied the whole address "
                    "from the email."
                )
            },
            status=404,
        )
    idea = survey.referral.idea
    with translation.override(idea.language):
        request.LANGUAGE_CODE = translation.get_language()
        response = _survey_page(request, survey=survey, token=token)
    response.headers.setdefault("Content-Language", idea.language)
    return response


def _survey_page(request: HttpRequest, *, survey: FollowUpSurvey, token: str) -> HttpResponse:
    try:
        survey_check_open(survey)
    except FollowUpAlreadyAnswered as error:
        if request.method != "POST":  # back after answering, or the link opened again
            return _closed(request, survey, _("We have your answers. Thank you!"), status=200)
        return _closed(request, survey, str(error), status=409)
    except FollowUpError as error:
        return _closed(request, survey, str(error), status=410)
    form = FollowUpSurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up_answer(survey=survey, **form.cleaned_data)
        except FollowUpError as error:
            return _closed(request, survey, str(error), status=409)
        return redirect("follow_up:survey", token=token)
    return render(
        request,
        "triage/follow_up_survey.html",
        {"form": form, "survey": survey, "referral": survey.referral, "idea": survey.referral.idea},
        status=400 if form.errors else 200,
    )


def _closed(
    request: HttpRequest, survey: FollowUpSurvey, message: str, *, status: int
) -> HttpResponse:
    return render(
        request,
        "triage/follow_up_survey_closed.html",
        {"message": message, "idea": survey.referral.idea, "answered": survey.answered_at},
        status=status,
    )
