from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ideas import selectors, services, workflow
from ideas.forms import IdeaSubmitForm

SESSION_SUBMITTED = "ideas.submitted"


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "ideas/home.html")


@require_http_methods(["GET", "POST"])
def idea_submit(request: HttpRequest) -> HttpResponse:
    form = IdeaSubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        submitted = services.idea_submit(
            title=data["title"],
            description=data["description"],
            municipality=data["municipality"],
            themes=list(data["themes"]),
            submitter_email=data["submitter_email"],
            share_contact_with_partners=data["share_contact_with_partners"],
            language=(get_language() or "sv")[:2],
        )
        request.session[SESSION_SUBMITTED] = {
            "reference": submitted.idea.reference,
            "token": submitted.tracking_token,
        }
        return redirect("ideas:submitted")
    return render(request, "ideas/idea_submit.html", {"form": form})


def idea_submitted(request: HttpRequest) -> HttpResponse:
    submitted = request.session.get(SESSION_SUBMITTED)
    if not submitted:
        messages.info(
            request, _("Your idea has already been received. Use the link in your email.")
        )
        return redirect("home")
    return render(
        request,
        "ideas/idea_submitted.html",
        {"reference": submitted["reference"],
         "tracking_url": services.tracking_url(submitted["token"])},
    )


def idea_track(request: HttpRequest, token: str) -> HttpResponse:
    idea = selectors.idea_for_tracking_token(token)
    if idea is None:
        raise Http404
    events = idea.events.all()
    return render(
        request,
        "ideas/idea_track.html",
        {
            "idea": idea,
            "public_status": workflow.public_label(idea.status),
            "events": [(event, workflow.public_label(event.to_status)) for event in events],
        },
    )
