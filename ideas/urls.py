from django.urls import path

from ideas import views

app_name = "ideas"

urlpatterns = [
    path("idea/new/", views.idea_submit, name="submit"),
    path("idea/received/", views.idea_submitted, name="submitted"),
    path("track/<str:token>/", views.idea_track, name="track"),
]
