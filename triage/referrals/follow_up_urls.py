"""The owner's follow-up survey, behind the token of its mail (no login)."""

from django.urls import path

from triage.referrals import follow_up_pages

app_name = "follow_up"

urlpatterns = [
    path("follow-up/<str:token>/", follow_up_pages.follow_up_survey, name="survey"),
]
