"""Routes of partner contacts: their referrals (logged in) and the answer page (signed link)."""

from django.urls import path

from partners import views as partner_views
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
    # The organisation's own entry (the login's organisation: no id in the address).
    path("partner/entry/", partner_views.entry_edit, name="entry"),
    path("partner/entry/confirm/", partner_views.entry_confirm_view, name="entry_confirm"),
    # The reminder mail's one-click confirm link (signed; a GET shows, the POST confirms).
    path("partner/confirm/<str:token>/", partner_views.entry_confirm_link, name="confirm_link"),
    path("referral/answer/<str:token>/", views.referral_answer_page, name="answer"),
    path("referral/answered/", views.referral_answered, name="answered"),
]
