from django.urls import path

from ideas import views

app_name = "ideas"

urlpatterns = [
    path("idea/new/", views.idea_submit, name="submit"),
    path("idea/received/", views.idea_submitted, name="submitted"),
    path("idea/draft/<str:token>/", views.idea_draft, name="draft"),
    path("idea/lost-link/", views.idea_lost_link, name="lost_link"),
    path("idea/paper-form/", views.idea_paper_form, name="paper_form"),
    path("t/", views.idea_short_code, name="short_code"),
    path("t/<reference:reference>/<short_code:code>/", views.idea_short_code, name="short_link"),
    path("track/<str:token>/", views.idea_track, name="track"),
    path("track/<str:token>/original/", views.idea_original, name="original"),
    path("track/<str:token>/answer/", views.idea_answer, name="answer"),
    path("track/<str:token>/withdraw/", views.idea_withdraw, name="withdraw"),
    path("track/<str:token>/public/", views.idea_public_listing, name="public_listing"),
    path("track/<str:token>/my-data/", views.idea_my_data, name="my_data"),
    path("track/<str:token>/my-data/page/", views.idea_my_data_page, name="my_data_page"),
    path("my-data/keys/", views.my_data_keys, name="my_data_keys"),
    path("track/<str:token>/erase/", views.idea_erase, name="erase"),
    path("staff/attachments/<uuid:uuid>/", views.attachment_download, name="attachment"),
    path("intake/", views.intake_event, name="intake"),
    path("intake/new/", views.intake_new, name="intake_new"),
    path("intake/receipt/", views.intake_receipt, name="intake_receipt"),
    path("intake/mine/", views.intake_registered, name="intake_registered"),
    path("intake/sync/", views.intake_sync, name="intake_sync"),
    # The service worker's scope is its folder: it lies under /intake/ to reach those pages.
    path("intake/worker.js", views.intake_worker, name="intake_worker"),
]
