"""The coordinator's pages for the idea form's own questions and the calls for ideas: list,
add, edit (a new wording is a new version), order and retire; no developer, no migration.
Thin: form, ideas/questions.py, message, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ideas import questions
from ideas.models import CallForIdeas, FormQuestion
from portal.roles import COORDINATING, AuthenticatedHttpRequest, role_required
from triage.dashboard.question_forms import CallForm, QuestionForm, QuestionMoveForm


@require_http_methods(["GET"])
@role_required(*COORDINATING)
def question_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    listed = questions.questions_for_list()
    asked = [item for item in listed if item.question.retired_at is None]
    return render(
        request,
        "triage/questions/question_list.html",
        {
            "questions_asked": asked,
            "retired": [item for item in listed if item.question.retired_at is not None],
            "last_index": len(asked) - 1,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*COORDINATING)
def question_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        questions.question_add(
            kind=form.cleaned_data["kind"],
            required=form.cleaned_data["required"],
            call=form.cleaned_data["call"],
            texts=form.texts(),
            actor=request.user,
        )
        messages.success(request, _("The question is added to the idea form."))
        return redirect("triage:question_list")
    return render(
        request,
        "triage/questions/question_form.html",
        {"form": form, "question": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(*COORDINATING)
def question_edit(request: AuthenticatedHttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(FormQuestion, pk=question_id, retired_at=None)
    latest = question.versions.order_by("-number").first()
    form = QuestionForm(request.POST or None, question=question, version=latest)
    if request.method == "POST" and form.is_valid():
        version = questions.question_edit(
            question=question,
            required=form.cleaned_data["required"],
            call=form.cleaned_data["call"],
            texts=form.texts(),
            actor=request.user,
        )
        if latest is not None and version.pk != latest.pk:
            messages.success(
                request,
                _(
                    "The question has a new wording. Ideas sent earlier keep the wording they "
                    "answered."
                ),
            )
        else:
            messages.success(request, _("The question is saved."))
        return redirect("triage:question_list")
    return render(
        request,
        "triage/questions/question_form.html",
        {"form": form, "question": question, "version": latest},
        status=400 if form.errors else 200,
    )


@require_POST
@role_required(*COORDINATING)
def question_move(request: AuthenticatedHttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(FormQuestion, pk=question_id, retired_at=None)
    form = QuestionMoveForm(request.POST)
    if form.is_valid():
        questions.question_move(question=question, up=form.cleaned_data["direction"] == "up")
    return redirect("triage:question_list")


@require_POST
@role_required(*COORDINATING)
def question_retire(request: AuthenticatedHttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(FormQuestion, pk=question_id)
    questions.question_retire(question=question)
    messages.success(
        request,
        _("The question is taken off the form. Ideas that answered it keep their answers."),
    )
    return redirect("triage:question_list")


@require_http_methods(["GET", "POST"])
@role_required(*COORDINATING)
def call_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        questions.call_save(call=form.apply(CallForIdeas()))
        messages.success(request, _("The call for ideas is added."))
        return redirect("triage:call_list")
    return render(
        request,
        "triage/questions/call_list.html",
        {"calls": CallForIdeas.objects.select_related("theme"), "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(*COORDINATING)
def call_edit(request: AuthenticatedHttpRequest, call_id: int) -> HttpResponse:
    call = get_object_or_404(CallForIdeas, pk=call_id)
    form = CallForm(request.POST or None, call=call)
    if request.method == "POST" and form.is_valid():
        questions.call_save(call=form.apply(call))
        messages.success(request, _("The call for ideas is saved."))
        return redirect("triage:call_list")
    return render(
        request,
        "triage/questions/call_form.html",
        {"form": form, "call": call},
        status=400 if form.errors else 200,
    )
