"""Split an idea event's one text into two channels that never mix.

`note` was both: staff typed it as "reason or note", and it was mailed to the owner with every
move the owner is told of (and shown on the tracking page for declines and questions). It
becomes `internal_note` (only the committee reads it) beside a new `message_to_owner`.

Existing rows: where the owner was told of the move (the table's `tell_resident` at the time of
this migration, resident's own withdrawals left out), the owner has already read the text in a
mail, so it moves to `message_to_owner` and the internal note is left empty. Everything else
(a declined referral's reason on the way back to review, a referral's note to the partners that
the old code mailed to the owner as well, a withdrawal's reason in the resident's own words)
stays an internal note. For the referral notes that means the owner will no longer see text
that was written for the partners.
"""
from django.db import migrations, models

# (from, to) of the moves the owner was told of before this migration, withdrawals and the move
# to "referred" (its text was the note to the partners) left out.
TOLD_TO_OWNER = {
    ("received", "screening"), ("screening", "in_review"), ("screening", "declined"),
    ("screening", "needs_information"), ("in_review", "needs_information"),
    ("needs_information", "in_review"), ("in_review", "declined"), ("in_review", "on_hold"),
    ("on_hold", "in_review"), ("on_hold", "declined"), ("referred", "in_support"),
    ("referred", "closed"), ("in_support", "closed"),
}


def split_notes(apps, schema_editor):
    IdeaEvent = apps.get_model("ideas", "IdeaEvent")
    for event in IdeaEvent.objects.exclude(internal_note="").iterator():
        if (event.from_status, event.to_status) in TOLD_TO_OWNER:
            IdeaEvent.objects.filter(pk=event.pk).update(
                message_to_owner=event.internal_note, internal_note="")


def join_notes(apps, schema_editor):
    IdeaEvent = apps.get_model("ideas", "IdeaEvent")
    IdeaEvent.objects.exclude(message_to_owner="").filter(internal_note="").update(
        internal_note=models.F("message_to_owner"))


class Migration(migrations.Migration):

    dependencies = [
        ("ideas", "0005_draft_sent_as"),
    ]

    operations = [
        migrations.RenameField(model_name="ideaevent", old_name="note", new_name="internal_note"),
        migrations.AlterField(
            model_name="ideaevent", name="internal_note",
            field=models.TextField(blank=True, verbose_name="internal note"),
        ),
        migrations.AddField(
            model_name="ideaevent", name="message_to_owner",
            field=models.TextField(blank=True, verbose_name="message to the idea's owner"),
        ),
        migrations.RunPython(split_notes, join_notes),
    ]
