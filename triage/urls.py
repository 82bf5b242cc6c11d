from django.urls import path

from triage import views

app_name = "triage"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ideas/<str:reference>/", views.idea_detail, name="idea_detail"),
    path("ideas/<str:reference>/move/", views.idea_move, name="idea_move"),
    path("ideas/<str:reference>/refer/", views.idea_refer_view, name="idea_refer"),
    path("outbox/", views.outbox, name="outbox"),
]
