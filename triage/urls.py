from django.urls import path

from triage.dashboard import question_views, views
from triage.insights import views as insights_views
from triage.referrals import committee_views as referral_views
from triage.review import meeting_views, merge_views
from triage.review import views as review_views

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
    path("batch/decline/", views.batch_decline, name="batch_decline"),
    path("ideas/<reference:reference>/review/", review_views.idea_review, name="idea_review"),
    path("ideas/<reference:reference>/conflict/", review_views.idea_conflict, name="idea_conflict"),
    path(
        "ideas/<reference:reference>/conflict/withdraw/",
        review_views.idea_conflict_withdraw,
        name="idea_conflict_withdraw",
    ),
    path("ideas/<reference:reference>/notes/", review_views.idea_note, name="idea_note"),
    path("ideas/<reference:reference>/link/", review_views.idea_link, name="idea_link"),
    path("ideas/<reference:reference>/merge/", merge_views.idea_merge, name="idea_merge"),
    path(
        "ideas/<reference:reference>/merge/undo/",
        merge_views.idea_merge_undo,
        name="idea_merge_undo",
    ),
    path("ideas/<reference:reference>/assign/", review_views.idea_assign, name="idea_assign"),
    path("criteria/", review_views.criterion_list, name="criterion_list"),
    path("criteria/<pk:criterion_id>/", review_views.criterion_edit, name="criterion_edit"),
    path("questions/", question_views.question_list, name="question_list"),
    path("questions/add/", question_views.question_add, name="question_add"),
    path("questions/<pk:question_id>/", question_views.question_edit, name="question_edit"),
    path("questions/<pk:question_id>/move/", question_views.question_move, name="question_move"),
    path(
        "questions/<pk:question_id>/retire/",
        question_views.question_retire,
        name="question_retire",
    ),
    path("calls/", question_views.call_list, name="call_list"),
    path("calls/<pk:call_id>/", question_views.call_edit, name="call_edit"),
    path("meeting/", review_views.meeting_agenda, name="meeting"),
    path("statistics/", insights_views.statistics_page, name="statistics"),
    path("statistics/open-data.csv", insights_views.open_data_csv, name="open_data_csv"),
    path(
        "statistics/open-data-listed-ideas.csv",
        insights_views.open_data_listed_csv,
        name="open_data_listed_csv",
    ),
    path("meeting/agenda.csv", review_views.meeting_agenda_csv, name="meeting_csv"),
    path("meetings/", meeting_views.meeting_list, name="meeting_list"),
    path("meetings/agenda/add/", meeting_views.agenda_add, name="agenda_add"),
    path("meetings/<uuid:meeting>/", meeting_views.meeting_detail, name="meeting_detail"),
    path(
        "meetings/<uuid:meeting>/attendees/",
        meeting_views.meeting_attendees,
        name="meeting_attendees",
    ),
    path(
        "meetings/<uuid:meeting>/carry-out/",
        meeting_views.meeting_carry_out,
        name="meeting_carry_out",
    ),
    path("meetings/<uuid:meeting>/minutes/", meeting_views.meeting_minutes, name="meeting_minutes"),
    path(
        "meetings/<uuid:meeting>/minutes.txt",
        meeting_views.meeting_minutes_txt,
        name="meeting_minutes_txt",
    ),
    path(
        "meetings/<uuid:meeting>/items/<uuid:item>/decide/",
        meeting_views.item_decide,
        name="agenda_item_decide",
    ),
    path(
        "meetings/<uuid:meeting>/items/<uuid:item>/remove/",
        meeting_views.item_remove,
        name="agenda_item_remove",
    ),
]
