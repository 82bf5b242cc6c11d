from django.urls import path, register_converter

from ideas.converters import ReferenceConverter
from triage.dashboard import views
from triage.insights import views as insights_views
from triage.referrals import committee_views as referral_views
from triage.review import views as review_views

register_converter(ReferenceConverter, "reference")
app_name = "triage"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.<str:file_format>", views.dashboard_export, name="export"),
    path("ideas/<reference:reference>/", review_views.idea_detail, name="idea_detail"),
    path("ideas/<reference:reference>/move/", review_views.idea_move, name="idea_move"),
    path("ideas/<reference:reference>/refer/", referral_views.idea_refer_view, name="idea_refer"),
    path(
        "ideas/<reference:reference>/referrals/<pk:pk>/cancel/",
        referral_views.referral_cancel_view,
        name="referral_cancel",
    ),
    path(
        "ideas/<reference:reference>/referrals/<pk:pk>/reply/",
        referral_views.referral_reply_view,
        name="referral_reply",
    ),
    path("batch/", views.dashboard_batch, name="batch"),
    path("ideas/<reference:reference>/review/", review_views.idea_review, name="idea_review"),
    path("ideas/<reference:reference>/conflict/", review_views.idea_conflict, name="idea_conflict"),
    path(
        "ideas/<reference:reference>/conflict/withdraw/",
        review_views.idea_conflict_withdraw,
        name="idea_conflict_withdraw",
    ),
    path("ideas/<reference:reference>/notes/", review_views.idea_note, name="idea_note"),
    path("ideas/<reference:reference>/link/", review_views.idea_link, name="idea_link"),
    path("ideas/<reference:reference>/assign/", review_views.idea_assign, name="idea_assign"),
    path("criteria/", review_views.criterion_list, name="criterion_list"),
    path("criteria/<pk:criterion_id>/", review_views.criterion_edit, name="criterion_edit"),
    path("meeting/", review_views.meeting_agenda, name="meeting"),
    path("statistics/", insights_views.statistics_page, name="statistics"),
    path("statistics/open-data.csv", insights_views.open_data_csv, name="open_data_csv"),
    path(
        "statistics/open-data-listed-ideas.csv",
        insights_views.open_data_listed_csv,
        name="open_data_listed_csv",
    ),
    path("meeting/agenda.csv", review_views.meeting_agenda_csv, name="meeting_csv"),
]
