from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path, register_converter

from ideas.converters import ReferenceConverter, ShortCodeConverter
from ideas.views import home
from partners.api import api as hsds_api
from partners.api import unknown_path as hsds_unknown_path
from portal import accounts, session_timeout, two_factor
from portal import views as portal_views
from portal.lookups import PkConverter
from triage.insights import public_views
from triage.insights.public_views import needs_page

# Every route that takes a row id takes it as <pk:...> (portal/lookups.py); an idea's reference
# and a paper receipt's short code have their own shapes (ideas/converters.py). Registered
# here, before the apps' URL modules are included.
register_converter(PkConverter, "pk")
register_converter(ReferenceConverter, "reference")
register_converter(ShortCodeConverter, "short_code")

# Static, in the visitor's language, with no database: see portal/errors.py.
handler500 = "portal.errors.server_error"
handler400 = "portal.errors.bad_request"

urlpatterns = [
    path("", home, name="home"),
    path("", include("ideas.urls")),
    path("triage/outbox/", include("portal.outbox.urls")),
    path("triage/", include("triage.urls")),
    path("partners/", include("partners.urls")),
    # The published registry as Open Referral (HSDS 3.0) data: partners/api.py.
    path("api/hsds/", hsds_api.urls),
    re_path(r"^api/hsds/(?P<url>.*)$", hsds_unknown_path, name="hsds_unknown_path"),
    # Partner contacts: partner/ (logged in) and referral/answer/<token>/ (signed link).
    path("", include("triage.referrals.urls")),
    # The idea's owner: follow-up/<token>/, the survey a few months after the support.
    path("", include("triage.referrals.follow_up_urls")),
    # The owner's consent, partner by partner, and answers to partners: track/<token>/partners/.
    path("", include("triage.referrals.consent_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("privacy/", portal_views.privacy_notice, name="privacy_notice"),
    path("accessibility/", portal_views.accessibility_statement, name="accessibility_statement"),
    path("how-it-works/", portal_views.how_it_works, name="how_it_works"),
    path("contact/", portal_views.contact, name="contact"),
    path("about/", portal_views.about, name="about"),
    # The public map of the county's needs: triage/insights/public_figures.py.
    path("needs/", needs_page, name="needs"),
    path("open-data/", public_views.open_data_page, name="open_data"),
    path("open-data/ideas.csv", public_views.open_data_csv, name="open_data_csv_public"),
    path("open-data/ideas.json", public_views.open_data_json, name="open_data_json"),
    path("open-data/catalog.jsonld", public_views.open_data_catalogue, name="open_data_catalogue"),
    path("brand.css", portal_views.brand_css, name="brand_css"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/start/", portal_views.after_login, name="after_login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    *two_factor.urlpatterns,
    *accounts.urlpatterns,
    *session_timeout.urlpatterns,
]
