"""Thin views: form -> service -> message -> redirect. The resident's pages need no login."""

import json
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any
from uuid import UUID

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DatabaseError
from django.forms import ModelChoiceField
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
    QueryDict,
)
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.defaults import page_not_found, permission_denied
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from ideas import erasure, hooks, offline_intake, questions, selectors, services, workflow
from ideas.form_cache import page_is_shared, shared_page, shared_version
from ideas.forms import (
    ATTACHMENT_LIMITS,
    DRAFT_VALUE_MAX_LENGTH,
    IDEA_FIELDS,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    AssistedIdeaForm,
    IdeaSubmitForm,
    IdeaWithFilesForm,
    LostLinkForm,
    OutreachEventChooseForm,
    OutreachEventForm,
    QuestionAnswerForm,
    ShortCodeForm,
    WithdrawForm,
    started_value,
)
from ideas.models import (
    PRIVACY_TEXT_VERSION,
    Idea,
    IdeaAttachment,
    IdeaDraft,
    IdeaVersion,
    OutreachEvent,
)
from ideas.paper_form import paper_questions
from ideas.tokens import short_code, short_code_shown
from portal.database import is_timeout
from portal.domain import DomainError
from portal.ratelimits import rate_count, rate_used_up
from portal.roles import COMMITTEE_ROLES, AuthenticatedHttpRequest, Role, role_required

SESSION_SUBMITTED = erasure.SESSION_SUBMITTED
SESSION_DRAFT = erasure.SESSION_DRAFT
SESSION_EVENT = "ideas.outreach_event"
SESSION_INTAKE_RECEIPT = erasure.SESSION_INTAKE_RECEIPT
# The request's attribute that holds the idea a tracking page already looked up.
TRACKED_IDEA = "tracked_idea"
INTAKE_ROLES = (Role.OUTREACH_STAFF, Role.COORDINATOR, Role.ADMINISTRATOR)
RATE_GROUP = "ideas.submit"
HOLD_RATE_GROUP = "ideas.hold-files"


def home(request: HttpRequest) -> HttpResponse:
    """The front page: the same for every first-time visitor in a language, so it is cached
    like the empty form (ideas/form_cache.py)."""

    def render_page(extra: dict) -> HttpResponse:
        return render(request, "ideas/home.html", {"calls": questions.open_calls(), **extra})

    if page_is_shared(request):
        return shared_page(request, render_page)
    return render_page({})


# --- Bad input: a body too big to read gets the form page with a message, never an error page.


def friendly_body_errors(on_error: Callable[..., HttpResponse]) -> Callable:
    """Read a POST body up front; if it is too large or broken, answer with `on_error`.

    The CSRF check needs the body, so it runs here after the body has been read. A body that
    cannot be read changes nothing, so answering it with a page needs no CSRF token.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                problem = _body_problem(request)
                if problem:
                    # Django's parsed body, emptied so that nothing reads the refused one.
                    request._post = QueryDict()  # type: ignore[attr-defined]
                    request._files = MultiValueDict()  # type: ignore[attr-defined]
                    return on_error(request, problem, *args, **kwargs)
            return protected(request, *args, **kwargs)

        return wrapped

    return decorator


def _body_problem(request: HttpRequest) -> str | None:
    limit = getattr(settings, "IDEAS_MAX_REQUEST_BYTES", 32 * 1024 * 1024)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    too_big = (
        _(
            "What you sent is too large for us to receive. Attach at most %(count)d files "
            "of at most %(megabytes)d MB each, and shorten very long texts."
        )
        % ATTACHMENT_LIMITS
    )
    if length > limit:
        return too_big
    try:
        request.POST  # noqa: B018 - parse now, so that errors are caught here
        request.FILES  # noqa: B018
    except (RequestDataTooBig, TooManyFilesSent, TooManyFieldsSent):
        return too_big
    except MultiPartParserError:
        return _("What you sent could not be read. Please try again.")
    return None


def _submit_body_error(request: HttpRequest, problem: str) -> HttpResponse:
    form = IdeaSubmitForm()
    return render(
        request, "ideas/idea_submit.html", {"form": form, "page_problem": problem}, status=413
    )


def _back_to_tracking(request: HttpRequest, problem: str, token: str) -> HttpResponse:
    messages.error(request, problem)
    return redirect("ideas:track", token=token)


def _back_to_intake(request: HttpRequest, problem: str) -> HttpResponse:
    messages.error(request, problem)
    return redirect("ideas:intake_new")


def _rate_used_up(request: HttpRequest) -> bool:
    """Tell whether this address has sent its allowance; looking does not count."""
    return rate_used_up(request, group=RATE_GROUP, rate_setting="IDEAS_SUBMIT_RATE")


def _rate_count(request: HttpRequest) -> None:
    """Count one idea or draft sent: only what is stored uses up the allowance."""
    rate_count(request, group=RATE_GROUP, rate_setting="IDEAS_SUBMIT_RATE")


def _keep_files(request: HttpRequest, form: IdeaWithFilesForm) -> None:
    """A form shown again with an error keeps the files that passed the check, so that they
    need not be chosen (or sent over a slow line) again; not for a form a machine filled in,
    and for a limited number of forms per address, which stops anyone filling the disk."""
    if not form.checked_files or form.has_error("website"):
        return
    if rate_used_up(request, group=HOLD_RATE_GROUP, rate_setting="IDEAS_HOLD_RATE"):
        form.add_error(
            "attachments",
            _(
                "Choose your files again when you send the form: too many forms with files "
                "have come from your connection in a short time for us to keep them."
            ),
        )
        return
    form.keep_checked_files()
    rate_count(request, group=HOLD_RATE_GROUP, rate_setting="IDEAS_HOLD_RATE")


# --- Submitting an idea


@friendly_body_errors(_submit_body_error)
@require_http_methods(["GET", "POST"])
def idea_submit(request: HttpRequest) -> HttpResponse:
    draft = _session_draft(request)
    if request.method != "POST":
        if draft is not None:
            # The form was filled in when the draft was saved: its clock starts then, so that
            # sending a reopened draft at once is not taken for a machine's haste.
            return render(
                request,
                "ideas/idea_submit.html",
                {
                    "form": IdeaSubmitForm(initial=_draft_initial(draft)),
                    "draft": draft,
                    "started": started_value(at=draft.created_at.timestamp()),
                },
            )
        return _blank_form_page(request)

    form = IdeaSubmitForm(request.POST, request.FILES)
    if _rate_used_up(request):
        return render(
            request,
            "ideas/idea_submit.html",
            {
                "form": form,
                "draft": draft,
                "page_problem": _(
                    "Many ideas have been sent from your connection in a short time. Please wait "
                    "an hour and try again. Nothing is lost: you can also save a draft."
                ),
            },
            status=429,
        )
    if "save_draft" in request.POST:
        return _save_draft(request, form, draft)
    if not form.is_valid():
        _keep_files(request, form)
        return render(request, "ideas/idea_submit.html", {"form": form, "draft": draft})
    try:
        sent = services.idea_submit_once(
            form_id=form.form_id(),
            **form.idea_fields(),
            attachments=form.cleaned_data["attachments"],
            answers=form.answers(),
            call=questions.current_call(),
        )
    except DatabaseError as error:
        if not is_timeout(error):
            raise
        return _database_busy(request, form, draft)
    if isinstance(sent, Idea):  # the same form came again: its idea is stored already
        return _receipt_again(request, sent)
    submitted = sent
    _rate_count(request)
    if draft is not None:
        services.draft_mark_sent(draft=draft, idea=submitted.idea)
        request.session.pop(SESSION_DRAFT, None)
    request.session[SESSION_SUBMITTED] = {
        "reference": submitted.idea.reference,
        "token": submitted.tracking_token,
        "emailed": bool(submitted.idea.submitter_email),
        **_receipt_proof(submitted.idea, submitted.original),
    }
    return redirect("ideas:submitted")


def _receipt_again(request: HttpRequest, idea: Idea) -> HttpResponse:
    """The receipt of an idea this form sent before, as the first time (its link derived
    again), for a form that came twice: nothing is stored or mailed again."""
    request.session.pop(SESSION_DRAFT, None)
    request.session[SESSION_SUBMITTED] = {
        "reference": idea.reference,
        "token": idea.tracking_token,
        "emailed": bool(idea.submitter_email),
        **_receipt_proof(idea, selectors.idea_original(idea)),
    }
    return redirect("ideas:submitted")


def _receipt_proof(idea: Idea, original: IdeaVersion | None) -> dict[str, str]:
    """What the receipt page keeps to show the proof of authorship: the time and fingerprint."""
    return {
        "submitted_at": idea.created_at.isoformat(),
        "fingerprint": original.fingerprint if original is not None else "",
    }


def _proof_context(receipt: dict) -> dict:
    """The receipt page's time of submission and fingerprint, from what the session kept."""
    at = receipt.get("submitted_at")
    return {
        "submitted_at": datetime.fromisoformat(at) if at else None,
        "fingerprint": receipt.get("fingerprint", ""),
    }


def _database_busy(
    request: HttpRequest, form: IdeaSubmitForm, draft: IdeaDraft | None
) -> HttpResponse:
    """The database did not answer in time: nothing is stored; the form comes back as typed."""
    return render(
        request,
        "ideas/idea_submit.html",
        {
            "form": form,
            "draft": draft,
            "page_problem": _(
                "The portal is very busy right now and could not save your idea: nothing was "
                "saved. Everything you wrote is still in the form below, so please send it again "
                "in a minute. If you attached files, choose them again."
            ),
        },
        status=503,
    )


def _blank_form_page(request: HttpRequest) -> HttpResponse:
    """The empty form: the same for everyone in a language, so its HTML comes from the cache.

    The form object itself is built only when the cache misses.
    """

    def render_page(extra: dict) -> HttpResponse:
        return render(
            request,
            "ideas/idea_submit.html",
            {
                "form": SimpleLazyObject(IdeaSubmitForm),
                "started": started_value(),
                "form_cache_version": shared_version(),
                **extra,
            },
        )

    if page_is_shared(request):
        return shared_page(request, render_page, started_value)
    return render_page({})


def _save_draft(
    request: HttpRequest, form: IdeaSubmitForm, draft: IdeaDraft | None
) -> HttpResponse:
    """Keep what is typed so far; only errors other than missing answers stop it."""
    form.is_valid()
    email = form.cleaned_data.get("submitter_email", "")
    keep = {"required", "no_contact", "spam"}
    for name, errors in list(form.errors.as_data().items()):
        remaining = [error for error in errors if error.code not in keep]
        if remaining:
            form.errors[name] = form.error_class(
                [message for error in remaining for message in error.messages]
            )
        else:
            del form.errors[name]
    if not email and "submitter_email" not in form.errors:
        form.add_error(
            "submitter_email",
            _("To save a draft, give your email address: we send the link to it."),
        )
    spam = form.spam_problem()
    if spam and "website" not in form.errors:
        form.add_error(None, spam)
    if form.errors:
        return render(request, "ideas/idea_submit.html", {"form": form, "draft": draft})
    data = {
        name: [
            value for value in request.POST.getlist(name) if len(value) <= DRAFT_VALUE_MAX_LENGTH
        ]
        for name in IDEA_FIELDS
        if name in request.POST
    }
    try:
        services.draft_save(
            data=data, email=email, language=form.cleaned_data.get("language") or "sv", draft=draft
        )
    except DatabaseError as error:
        if not is_timeout(error):
            raise
        return _database_busy(request, form, draft)
    _rate_count(request)
    # The draft is reached only through the mailed link, so that the next person at a shared
    # computer does not find it filled in.
    request.session.pop(SESSION_DRAFT, None)
    return render(request, "ideas/idea_draft_saved.html", {"email": email})


def _session_draft(request: HttpRequest) -> IdeaDraft | None:
    draft_id = request.session.get(SESSION_DRAFT) if request.session.session_key else None
    if draft_id is None:
        return None
    return IdeaDraft.objects.filter(pk=draft_id, submitted_idea__isnull=True).first()


def _draft_initial(draft: IdeaDraft) -> dict:
    multiple = {"themes", "support_wanted"}
    return {
        name: values if name in multiple else (values[0] if values else "")
        for name, values in draft.data.items()
        if isinstance(values, list) and name in IDEA_FIELDS
    }


@require_GET
def idea_draft(request: HttpRequest, token: str) -> HttpResponse:
    """Open a saved draft from the emailed link: the form comes back filled in."""
    draft = selectors.draft_for_token(token)
    if draft is None:
        raise Http404
    if draft.submitted_idea_id is not None:
        # The tracking link cannot be rebuilt from its stored hash: say where it is, and how
        # to have a new one sent.
        idea = Idea.objects.only("reference", "language").get(pk=draft.submitted_idea_id)
        with translation.override(idea.language):
            return render(request, "ideas/idea_draft_sent.html", {"idea": idea}, status=410)
    request.session[SESSION_DRAFT] = draft.pk
    # The draft goes on in the language it was written in, on whichever device it is opened:
    # the language switch's cookie is set to it (the resident can still switch).
    with translation.override(draft.language):
        messages.info(request, _("Welcome back. Your draft is filled in below."))
    response = redirect("ideas:submit")
    if draft.language in {code for code, _name in settings.LANGUAGES}:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            draft.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def _link_rate(group: str, request: HttpRequest) -> str:
    return getattr(settings, "IDEAS_LINK_RATE", "5/h")


@require_http_methods(["GET", "POST"])
def idea_lost_link(request: HttpRequest) -> HttpResponse:
    """A resident who lost the tracking link gives the address the idea was sent from; the
    answer is the same whether or not any idea was sent from it."""
    form = LostLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        limited = any(
            [
                is_ratelimited(
                    request,
                    group="ideas.lost_link",
                    key="ip",
                    rate=_link_rate,
                    method="POST",
                    increment=True,
                ),
                is_ratelimited(
                    request,
                    group="ideas.lost_link.address",
                    key=lambda group, request: email.casefold(),
                    rate=_link_rate,
                    method="POST",
                    increment=True,
                ),
            ]
        )
        if limited:
            return render(
                request,
                "ideas/idea_lost_link.html",
                {
                    "form": form,
                    "page_problem": _(
                        "Many links have been asked for in a short time. Please wait an hour and "
                        "try again."
                    ),
                },
                status=429,
            )
        services.idea_tracking_links_resend(email=email)
        return render(request, "ideas/idea_lost_link.html", {"sent_to": email})
    return render(
        request, "ideas/idea_lost_link.html", {"form": form}, status=400 if form.errors else 200
    )


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
        {
            "reference": submitted["reference"],
            "emailed": submitted.get("emailed", True),
            "tracking_url": services.tracking_url(submitted["token"]),
            **_proof_context(submitted),
        },
    )


# --- Following an idea: the token in the URL is the only key.


def in_idea_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Render a page of the tracking link in the idea's language, whoever opens it on
    whichever device: the page, its messages and its error pages. An unknown token gets the
    request's language (there is no idea to take one from)."""

    @wraps(view)
    def wrapped(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
        idea = selectors.idea_for_tracking_token(token)
        if idea is None:  # the view refuses it (after its CSRF check) in the request's language
            return view(request, token, *args, **kwargs)
        setattr(request, TRACKED_IDEA, idea)
        with translation.override(idea.language):
            request.LANGUAGE_CODE = translation.get_language()
            try:
                response = view(request, token, *args, **kwargs)
            except Http404 as error:
                response = page_not_found(request, error)
            except PermissionDenied as error:
                response = permission_denied(request, error)
        # LocaleMiddleware only sets the header when it is missing.
        response.headers.setdefault("Content-Language", idea.language)
        return response

    return wrapped


def _idea_or_404(token: str, request: HttpRequest | None = None) -> Idea:
    idea = getattr(request, TRACKED_IDEA, None) if request is not None else None
    if idea is None:
        idea = selectors.idea_for_tracking_token(token)
    if idea is None:
        raise Http404
    return idea


def _track_page(
    request: HttpRequest,
    idea: Idea,
    token: str,
    *,
    answer_form: QuestionAnswerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    question = selectors.idea_open_question(idea)
    ledger = selectors.idea_ledger(idea)
    return render(
        request,
        "ideas/idea_track.html",
        {
            "idea": idea,
            "token": token,
            "public_status": workflow.public_label(idea.status),
            "history": selectors.idea_public_history(idea),
            "ledger": ledger,
            "partners": ledger.partners,
            "question": question,
            "answered_questions": selectors.idea_answered_questions(idea),
            "form": answer_form or (QuestionAnswerForm() if question else None),
            "can_withdraw": workflow.find(idea.status, workflow.Status.WITHDRAWN) is not None,
            "attachments": idea.attachments.all(),
            "original": selectors.idea_original(idea),
            **hooks.tracking_page_extras(idea, request),
        },
        status=status,
    )


@in_idea_language
@require_GET
def idea_track(request: HttpRequest, token: str) -> HttpResponse:
    return _track_page(request, _idea_or_404(token, request), token)


@in_idea_language
@require_GET
def idea_original(request: HttpRequest, token: str) -> HttpResponse:
    """The idea as its owner sent it, with its fingerprint and the text it is the hash of."""
    idea = _idea_or_404(token, request)
    original = selectors.idea_original(idea)
    if original is None:
        raise Http404
    return render(
        request,
        "ideas/idea_original.html",
        {
            "idea": idea,
            "token": token,
            "shown": selectors.idea_version_shown(original),
        },
    )


@in_idea_language
@friendly_body_errors(_back_to_tracking)
def idea_answer(request: HttpRequest, token: str) -> HttpResponse:
    idea = _idea_or_404(token, request)  # a made-up token finds nothing, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = QuestionAnswerForm(request.POST)
    if not form.is_valid():
        return _track_page(request, idea, token, answer_form=form)
    try:
        services.idea_answer_question(idea=idea, answer=form.cleaned_data["answer"])
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Thank you for your answer. The committee goes on with your idea.")
        )
    return redirect("ideas:track", token=token)


@in_idea_language
@friendly_body_errors(_back_to_tracking)
@require_http_methods(["GET", "POST"])
def idea_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation; POST withdraws."""
    idea = _idea_or_404(token, request)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_withdraw(idea=idea, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("You have withdrawn your idea."))
        return redirect("ideas:track", token=token)
    return render(request, "ideas/idea_withdraw.html", {"idea": idea, "token": token, "form": form})


def _json_value(value: object) -> str:
    """Times in the download are ISO 8601 (docs/my-data.md); nothing else needs converting."""
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


@in_idea_language
@friendly_body_errors(_back_to_tracking)
def idea_public_listing(request: HttpRequest, token: str) -> HttpResponse:
    """The owner says whether the idea may be shown publicly, anonymised (POST only)."""
    idea = _idea_or_404(token, request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    choice = request.POST.get("public_listing")
    if choice not in ("yes", "no"):
        messages.error(request, _("Choose whether your idea may be shown publicly."))
        return redirect("ideas:track", token=token)
    services.idea_public_listing_set(idea=idea, public=choice == "yes")
    if choice == "yes":
        messages.success(
            request,
            _("Your idea may now be shown publicly, without your name or contact details."),
        )
    else:
        messages.success(request, _("Your idea is no longer shown publicly."))
    return redirect("ideas:track", token=token)


@in_idea_language
def idea_my_data(request: HttpRequest, token: str) -> HttpResponse:
    """Everything stored about the idea and its submitter, as a JSON download (on POST)."""
    idea = _idea_or_404(token, request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    body = json.dumps(
        selectors.idea_personal_data(idea), ensure_ascii=False, indent=2, default=_json_value
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="idelotsen-{idea.reference}.json"'
    return response


@in_idea_language
@require_GET
def idea_my_data_page(request: HttpRequest, token: str) -> HttpResponse:
    """The same data as the download, as a page to read and print (`?print=1`: the print
    view, which the print button links to and which works without JavaScript)."""
    idea = _idea_or_404(token, request)
    ledger = selectors.idea_ledger(idea)
    return render(
        request,
        "ideas/idea_my_data.html",
        {
            "idea": idea,
            "token": token,
            "ledger": ledger,
            "data": selectors.idea_personal_data(idea, ledger=ledger),
            "print_view": request.GET.get("print") == "1",
        },
    )


@require_GET
def my_data_keys(request: HttpRequest) -> HttpResponse:
    """What each key of the "my data" download means: docs/my-data.md, as plain text."""
    path = settings.BASE_DIR / "docs" / "my-data.md"
    response = HttpResponse(
        path.read_text(encoding="utf-8"), content_type="text/plain; charset=utf-8"
    )
    response["Content-Language"] = "en"  # written in English only, whatever the visitor's
    return response


@in_idea_language
@require_http_methods(["GET", "POST"])
def idea_erase(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation; POST erases the personal data and keeps the idea."""
    idea = _idea_or_404(token, request)
    if request.method == "POST":
        services.idea_erase_personal_data(idea=idea)
        # This browser's own session is saved after the view: it forgets the idea here too.
        receipt = request.session.get(SESSION_SUBMITTED) or {}
        if receipt.get("reference") == idea.reference:
            request.session.pop(SESSION_SUBMITTED, None)
        request.session.pop(SESSION_DRAFT, None)
        messages.success(
            request,
            _(
                "Your personal data has been erased. The idea is kept "
                "without your name and contact details."
            ),
        )
        return redirect("ideas:track", token=token)
    return render(request, "ideas/idea_erase.html", {"idea": idea, "token": token})


# --- Attachments: only the committee, only as downloads.


@role_required(*COMMITTEE_ROLES)
@require_GET
def attachment_download(request: HttpRequest, uuid: UUID) -> FileResponse:
    attachment = get_object_or_404(IdeaAttachment, pk=uuid)
    if not attachment.file:
        # Deleted when its owner erased their personal data; the row says there was one.
        raise Http404(_("This file was deleted when its owner erased their personal data."))
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Assisted intake at outreach events


@require_GET
def idea_paper_form(request: HttpRequest) -> HttpResponse:
    """The blank idea form to print (A4), in the page's language, with a QR code to the online
    form; see ideas/paper_form.py."""
    online = settings.SITE_URL + reverse("ideas:submit")
    return render(
        request,
        "ideas/idea_paper_form.html",
        {
            "questions": paper_questions(),
            "online_url": online,
            "qr_svg": segno.make(online, error="m").svg_inline(
                scale=3, title=_("QR code with the link to the online form")
            ),
            "consent_version": PRIVACY_TEXT_VERSION,
        },
    )


SHORT_CODE_RATE_GROUP = "ideas.short_code"


@require_http_methods(["GET", "POST"])
def idea_short_code(
    request: HttpRequest, reference: str | None = None, code: str | None = None
) -> HttpResponse:
    """Open the tracking page with the reference number and short code a paper receipt prints:
    typed into the form, or as the short link `/t/<reference>/<code>/` typed into the address
    bar. Wrong tries count against a limit per address; right ones do not."""
    given = {"reference": reference, "code": code} if reference and code else None
    form = ShortCodeForm(request.POST if request.method == "POST" else given)
    status = 200
    if form.is_bound and rate_used_up(
        request,
        group=SHORT_CODE_RATE_GROUP,
        rate_setting="IDEAS_SHORT_CODE_RATE",
        method=ALL,
    ):
        form.add_error(
            None,
            _(
                "Many wrong codes have been tried from your connection. Please wait an hour "
                "and try again, or call us: we can help you find your idea."
            ),
        )
        status = 429
    elif form.is_valid():
        idea = selectors.idea_for_short_code(**form.cleaned_data)
        if idea is not None:
            return redirect("ideas:track", token=idea.tracking_token)
        rate_count(
            request,
            group=SHORT_CODE_RATE_GROUP,
            rate_setting="IDEAS_SHORT_CODE_RATE",
            method=ALL,
        )
        form.add_error(
            "code",
            _(
                "We found no idea with this reference number and code. Check both against "
                "your receipt: the code has eight letters and digits."
            ),
        )
        status = 404 if given else 200
    return render(request, "ideas/idea_short_code.html", {"form": form}, status=status)


@role_required(*INTAKE_ROLES)
@require_http_methods(["GET", "POST"])
def intake_event(request: HttpRequest) -> HttpResponse:
    """Choose the event once (it stays in the session), or add a new one."""
    choose = OutreachEventChooseForm(request.POST if "choose" in request.POST else None)
    event_field = choose.fields["event"]
    assert isinstance(event_field, ModelChoiceField)
    event_field.queryset = selectors.outreach_events_recent()
    create = OutreachEventForm(request.POST if "create" in request.POST else None)
    event = None
    if request.method == "POST" and "choose" in request.POST and choose.is_valid():
        event = choose.cleaned_data["event"]
    elif request.method == "POST" and "create" in request.POST and create.is_valid():
        event = services.outreach_event_create(**create.cleaned_data)
    if event is not None:
        request.session[SESSION_EVENT] = event.pk
        return redirect("ideas:intake_new")
    return render(
        request,
        "ideas/outreachevent_choose.html",
        {
            "choose_form": choose,
            "create_form": create,
            "current": _session_event(request),
        },
    )


def _session_event(request: HttpRequest) -> OutreachEvent | None:
    event_id = request.session.get(SESSION_EVENT)
    if event_id is None:
        return None
    return OutreachEvent.objects.select_related("municipality").filter(pk=event_id).first()


# Assisted intake runs on a tablet shared by one resident after another: like every page, its
# form and receipt are never kept by the browser (NoStoreMiddleware, portal/security.py), so
# neither the back button nor a reload from the cache shows a previous resident; the form asks
# the browser not to fill anything in, and the receipt goes when the next form is opened.
@role_required(*INTAKE_ROLES)
@friendly_body_errors(_back_to_intake)
@require_http_methods(["GET", "POST"])
def intake_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The fast form: the resident's idea, written down by staff at the event."""
    event = _session_event(request)
    if event is None:
        messages.info(request, _("Choose the event you are at first."))
        return redirect("ideas:intake")
    if request.method == "GET":
        # A clean tablet: the previous resident's receipt goes once the next form is opened.
        request.session.pop(SESSION_INTAKE_RECEIPT, None)
    form = AssistedIdeaForm(request.POST or None, request.FILES or None, event=event)
    if request.method == "POST" and form.is_valid():
        submitted = services.idea_submit(
            **form.idea_fields(),
            attachments=form.cleaned_data["attachments"],
            outreach_event=event,
            registered_by=request.user,
            on_paper=form.cleaned_data["on_paper"],
            answers=form.answers(),
            call=questions.current_call(),
        )
        request.session[SESSION_INTAKE_RECEIPT] = {
            "reference": submitted.idea.reference,
            "title": submitted.idea.title,
            "token": submitted.tracking_token,
            "emailed": bool(submitted.idea.submitter_email),
            "language": submitted.idea.language,
            **_receipt_proof(submitted.idea, submitted.original),
        }
        return redirect("ideas:intake_receipt")
    if request.method == "POST":
        _keep_files(request, form)
    return render(
        request,
        "ideas/idea_intake.html",
        {
            "form": form,
            "event": event,
            "consent_version": PRIVACY_TEXT_VERSION,
            "offline_max_hours": offline_intake.queue_max_age().total_seconds() / 3600,
            "offline_files": _offline_file_limits(),
            # The provisional receipt offline is printed in the resident's language: the page
            # carries it in each (static/js/intake-offline.js picks one).
            "receipt_languages": [
                (code, translation.get_language_info(code)["bidi"])
                for code, _name in settings.LANGUAGES
            ],
        },
    )


def _offline_file_limits() -> dict[str, Any]:
    """The file limits the tablet checks before it queues an idea, with the form's own words
    for them ("{name}" stands for the file's name), and what one sync request may carry."""
    return {
        "count": MAX_ATTACHMENTS,
        "bytes": MAX_ATTACHMENT_BYTES,
        "too_many": _("You can attach at most %(count)d files.") % {"count": MAX_ATTACHMENTS},
        "too_big": _("“%(name)s” is larger than %(megabytes)d MB. Make it smaller or leave it out.")
        % {**ATTACHMENT_LIMITS, "name": "{name}"},
        "request_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES or 100,
        "request_bytes": MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES,
    }


@role_required(*INTAKE_ROLES)
@require_POST
def intake_sync(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Store the ideas a tablet took offline (ideas/offline_intake.py): JSON out.

    The tablet's script sends multipart/form-data: the field `ideas` holds the JSON list of
    the queued ideas, and each idea's files come as file parts named
    `file-<device_id>-<n>`, so that photos do not count against the body's memory limit
    (DATA_UPLOAD_MAX_MEMORY_SIZE). A body of plain JSON, `{"ideas": [...]}`, is taken too
    (ideas with no files). The page's CSRF token comes in a header. For each idea the answer
    says whether it was stored (with its reference) or refused (and why).
    """
    unreadable = JsonResponse({"error": _("What the tablet sent could not be read.")}, status=400)
    too_big = JsonResponse({"error": _("The ideas are too large to send at once.")}, status=413)
    files = None
    try:
        if request.content_type == "multipart/form-data":
            body = json.loads(request.POST.get("ideas", ""))
            files = request.FILES
        else:
            body = json.loads(request.body)
    except (RequestDataTooBig, TooManyFilesSent, TooManyFieldsSent):
        return too_big
    except (ValueError, MultiPartParserError):
        return unreadable
    queued = body.get("ideas") if isinstance(body, dict) else None
    if not isinstance(queued, list) or len(queued) > offline_intake.SYNC_MAX_IDEAS:
        return unreadable
    outcomes = offline_intake.offline_ideas_store(
        queued=queued, files=files, registered_by=request.user
    )
    return JsonResponse({"results": [outcome.as_json() for outcome in outcomes]})


@require_GET
def intake_worker(request: HttpRequest) -> HttpResponse:
    """The service worker of the intake pages: it serves the form's page and its files from
    the tablet when there is no network. It holds no data; the pages cache what it serves."""
    return render(
        request,
        "ideas/intake_worker.js",
        {"shell_url": reverse("ideas:intake_new")},
        content_type="text/javascript; charset=utf-8",
    )


@role_required(*INTAKE_ROLES)
@require_GET
def intake_registered(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The ideas this staff member registered, with where each stands (no contact details)."""
    return render(
        request,
        "ideas/intake_registered.html",
        {
            "ideas": selectors.ideas_registered_by(request.user),
            "limit": selectors.REGISTERED_LIMIT,
        },
    )


@role_required(*INTAKE_ROLES)
@require_GET
def intake_receipt(request: HttpRequest) -> HttpResponse:
    """A receipt to print for the resident: the reference and the tracking link as a QR code."""
    receipt = request.session.get(SESSION_INTAKE_RECEIPT)
    if not receipt:
        return redirect("ideas:intake_new")
    url = services.tracking_url(receipt["token"])
    code = short_code(receipt["token"])
    # The paper is the resident's: it is printed in the idea's language, the staff's page
    # around it stays in the staff member's.
    language = receipt.get("language") or get_language()
    with translation.override(language):
        qr_svg = segno.make(url, error="m").svg_inline(
            scale=4, title=_("QR code with the link to follow the idea")
        )
        language_bidi = translation.get_language_bidi()
    return render(
        request,
        "ideas/idea_intake_receipt.html",
        {
            "reference": receipt["reference"],
            "title": receipt.get("title", ""),
            "tracking_url": url,
            "short_code": short_code_shown(code),
            "short_link": services.short_tracking_url(receipt["reference"], code),
            "short_code_page": settings.SITE_URL + reverse("ideas:short_code"),
            "qr_svg": qr_svg,
            "emailed": receipt["emailed"],
            "event": _session_event(request),
            "language": language,
            "language_bidi": language_bidi,
            **_proof_context(receipt),
        },
    )
