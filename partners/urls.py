from django.urls import path

from partners import invitation_views, views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="list"),
    # Public: the partners that agreed to be listed, for anyone.
    path("directory/", views.partner_directory, name="directory"),
    path("weights/", views.weights_edit, name="weights"),
    path("changes/", views.entry_changes, name="changes"),
    path("import/", views.registry_import_view, name="import"),
    path("import/confirm/", views.registry_import_confirm, name="import_confirm"),
    path("export.<str:file_format>", views.registry_export_view, name="export"),
    # Under a prefix of its own, so that no partner key can hide "weights" or "import".
    path("organisation/<slug:slug>/", views.partner_detail, name="detail"),
    path(
        "organisation/<slug:slug>/invitations/",
        invitation_views.contact_invitation,
        name="contact_invitation",
    ),
    # Public: a contact person's invitation link (partners/invitations.py), in their language.
    path("invitation/<str:token>/", invitation_views.invitation_accept, name="invitation"),
]
