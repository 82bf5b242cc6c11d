"""Routes of partner contacts: their referrals (logged in) and the answer page (signed link)."""

from django.urls import path

from triage.referrals import consent_views, views

app_name = "partner_portal"

urlpatterns = [
    path("partner/", views.referral_list, name="referral_list"),
    path("partner/referrals/<pk:pk>/", views.referral_detail, name="referral_detail"),
    path("partner/referrals/<pk:pk>/answer/", views.referral_answer_post, name="referral_answer"),
    path("partner/referrals/<pk:pk>/support/", views.referral_support, name="referral_support"),
    path(
        "partner/referrals/<pk:pk>/message/",
        consent_views.partner_message_post,
        name="referral_message",
    ),
    path("referral/answer/<str:token>/", views.referral_answer_page, name="answer"),
    path("referral/answered/", views.referral_answered, name="answered"),
]
