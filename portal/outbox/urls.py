from django.urls import path

from portal.outbox import views

app_name = "outbox"

urlpatterns = [
    path("", views.message_list, name="list"),
    path("<pk:pk>/", views.message_detail, name="detail"),
    path("<pk:pk>/resend/", views.message_resend, name="resend"),
]
