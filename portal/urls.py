from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ideas.views import home
from portal import two_factor

urlpatterns = [
    path("", home, name="home"),
    path("", include("ideas.urls")),
    path("triage/", include("triage.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    *two_factor.urlpatterns,
]
