"""The owner's consent and answers to partners, under the tracking link's URL space."""

from django.urls import path

from triage.referrals import consent_views

app_name = "partner_consent"

urlpatterns = [
    path(
        "track/<str:token>/partners/<uuid:referral>/consent/",
        consent_views.owner_consent_post,
        name="decide",
    ),
    path(
        "track/<str:token>/partners/<uuid:referral>/reply/",
        consent_views.owner_reply_post,
        name="reply",
    ),
]
