import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ideas.search import CONFIG, SearchDocument, SearchDocumentField, SearchIndex
from ideas.tokens import derive_tracking_token, hash_token, tracking_token_for
from ideas.workflow import OPEN_STATES, Status
from portal.roles import actor_display


class Vocabulary(models.Model):
    """A term shared by ideas and partners, named in Swedish and English."""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    name_ar = models.CharField(_("name in Arabic"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "name_sv"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = get_language() or "sv"
        if language.startswith("en"):
            return self.name_en
        if language.startswith("ar"):
            return self.name_ar or self.name_en
        return self.name_sv


class Theme(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class SupportKind(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("kind of support")
        verbose_name_plural = _("kinds of support")


# The name under which reference_data.WHOLE_COUNTY is stored.
WHOLE_COUNTY_NAME = "Hela Örebro län"


class Municipality(models.Model):
    """One of Örebro County's twelve municipalities, or the county as a whole."""

    code = models.CharField(
        _("code"), max_length=4, unique=True, validators=[RegexValidator(r"^\d{2}(\d{2})?$")]
    )
    name = models.CharField(_("name"), max_length=60, unique=True)
    is_whole_county = models.BooleanField(_("the whole county"), default=False)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        ordering = ["is_whole_county", "name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        # Municipalities are proper names; the county's stored name is a Swedish phrase, shown
        # in the reader's language. Compared by name: lists load only the name.
        if self.name == WHOLE_COUNTY_NAME:
            return str(_("Whole Örebro County"))
        return self.name


class OrganisationKind(models.TextChoices):
    PRIVATE_PERSON = "private_person", _("Private person")
    ASSOCIATION = "association", _("Association")
    LOCAL_DEVELOPMENT_GROUP = "local_development_group", _("Local development group")
    PUBLIC_SECTOR = "public_sector", _("Public sector")
    COMPANY = "company", _("Company or social enterprise")


CIVIL_SOCIETY_KINDS = frozenset(
    {
        OrganisationKind.PRIVATE_PERSON,
        OrganisationKind.ASSOCIATION,
        OrganisationKind.LOCAL_DEVELOPMENT_GROUP,
    }
)


class Stage(models.TextChoices):
    IDEA = "idea", _("Only an idea so far")
    STARTED = "started", _("Started")
    RUNNING = "running", _("Up and running")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    COUNTY_MEETING = "county_meeting", _("County meeting")
    CARAVAN_TOUR = "caravan_tour", _("Caravan tour")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    PAPER = "paper", _("Paper form")


# The version of the privacy notice (templates/portal/privacy_notice.html) a resident agrees to
# when sending an idea; stored with the consent (`Idea.consent_version`). Change it with the text.
PRIVACY_TEXT_VERSION = "2026-12"


class ReferenceCounter(models.Model):
    """The last reference number handed out in a year."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class EventKind(models.TextChoices):
    COUNTY_MEETING = Channel.COUNTY_MEETING.value, Channel.COUNTY_MEETING.label
    CARAVAN_TOUR = Channel.CARAVAN_TOUR.value, Channel.CARAVAN_TOUR.label


class OutreachEvent(models.Model):
    """A county meeting or a stop of the caravan tour where staff write ideas down."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="outreach_events",
        verbose_name=_("municipality"),
    )
    place = models.CharField(_("place"), max_length=120, blank=True)
    date = models.DateField(_("date"), default=timezone.localdate)

    class Meta:
        ordering = ["-date", "name"]
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%Y-%m-%d})"


class CallForIdeas(models.Model):
    """A call for ideas: a theme and a period, shown on the front page while it is open. It
    may carry its own questions (`FormQuestion.call`), asked only while it is open."""

    # The title in each language of LANGUAGES, by code ("sv", "en", "ar", "sv-easy").
    title = models.JSONField(_("title"), default=dict)
    theme = models.ForeignKey(
        Theme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
        verbose_name=_("theme"),
    )
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-opens_on", "pk"]
        verbose_name = _("call for ideas")
        verbose_name_plural = _("calls for ideas")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="call_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title_in(get_language() or "sv")

    def title_in(self, language: str) -> str:
        return text_in(self.title, language)


def text_in(texts: dict, language: str) -> str:
    """The text of `texts` (by language code) in `language`: easy-to-read Swedish falls back to
    Swedish, Arabic to English, any missing one to Swedish."""
    for code in (language, *LANGUAGE_FALLBACKS.get(language, ()), "sv", "en"):
        value = texts.get(code)
        if value:
            return value
    return ""


# What a text written by the coordinator (a question, a call's title) falls back to when it is
# not written in a language: the language a reader of it most likely also reads.
LANGUAGE_FALLBACKS = {"sv-easy": ("sv",), "ar": ("en", "sv"), "en": ("sv",), "sv": ("en",)}


class QuestionKind(models.TextChoices):
    TEXT = "text", _("text")
    CHOICE = "choice", _("choice")
    YES_NO = "yes_no", _("yes or no")


class FormQuestion(models.Model):
    """A question the coordinator adds to the idea form. Its wording lives in its versions
    (a new one each time it is edited), so that an answer keeps the wording it was given to."""

    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    call = models.ForeignKey(
        CallForIdeas,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("call for ideas"),
        help_text=_("Leave empty to ask the question on every idea."),
    )
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("form question")
        verbose_name_plural = _("form questions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=QuestionKind.values), name="form_question_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class FormQuestionVersion(models.Model):
    """One wording of a question, never changed: the wording, help text and choices in each
    language, `{code: {"wording": ..., "help_text": ..., "choices": [...]}}`. Choices are
    the same in number and order in every language; an answer stores the choice's number."""

    question = models.ForeignKey(FormQuestion, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    texts = models.JSONField(_("texts"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["question", "number"]
        verbose_name = _("form question version")
        verbose_name_plural = _("form question versions")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="form_question_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"

    def text(self, key: str, language: str) -> str:
        return text_in({code: part.get(key, "") for code, part in self.texts.items()}, language)

    def wording(self, language: str) -> str:
        return self.text("wording", language)

    def help_text(self, language: str) -> str:
        return self.text("help_text", language)

    def choices(self, language: str) -> list[str]:
        """The choices in `language` (falling back as a whole, so the numbers match)."""
        for code in (language, *LANGUAGE_FALLBACKS.get(language, ()), "sv", "en"):
            found = (self.texts.get(code) or {}).get("choices")
            if found:
                return list(found)
        return []


class Idea(models.Model):
    reference = models.CharField(_("reference number"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    need = models.TextField(_("the need or problem"), max_length=5000, blank=True)
    description = models.TextField(_("the idea"), max_length=10000)
    beneficiaries = models.TextField(_("who benefits"), max_length=2000, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("municipality")
    )
    place = models.CharField(_("village or place"), max_length=120, blank=True)
    is_rural = models.BooleanField(_("concerns a rural area"), default=False)
    themes = models.ManyToManyField(Theme, related_name="ideas", verbose_name=_("themes"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.IDEA)
    support_wanted = models.ManyToManyField(
        SupportKind, blank=True, related_name="ideas", verbose_name=_("kinds of support wanted")
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="sv"
    )

    submitter_name = models.CharField(_("name"), max_length=120, blank=True)
    submitter_email = models.EmailField(_("email"), blank=True)
    submitter_phone = models.CharField(_("phone"), max_length=40, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    organisation_kind = models.CharField(
        _("kind of organisation"),
        max_length=30,
        choices=OrganisationKind.choices,
        default=OrganisationKind.PRIVATE_PERSON,
    )
    consent_version = models.CharField(_("privacy text version"), max_length=20)
    consent_given_at = models.DateTimeField(_("consent given"))
    share_contact_with_partners = models.BooleanField(
        _("may share contact details with partners"), default=False
    )
    # The owner's choice, default no: the idea may be listed publicly, anonymised (its title,
    # municipality, themes and status; `ideas.selectors.ideas_listed_publicly`).
    public_listing = models.BooleanField(_("may be shown publicly, anonymised"), default=False)
    anonymised_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB
    )
    outreach_event = models.ForeignKey(
        OutreachEvent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("outreach event"),
    )
    call = models.ForeignKey(
        CallForIdeas,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
        verbose_name=_("call for ideas"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered by"),
        help_text=_("The staff member who wrote the idea down and confirmed the consent."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED, editable=False
    )
    tracking_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The token is derived from this salt (ideas/tokens.py), so later mails can link back.
    tracking_salt = models.CharField(max_length=32, blank=True, editable=False)
    # The hash of a token made before tokens were derived: the receipt's old link still works.
    legacy_tracking_token_hash = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    # The id a tablet gave the idea when staff took it with no network (ideas/offline_intake.py),
    # or the resident's form when it was handed out (ideas/forms.py, `started_value`): however
    # often the same idea arrives, in a sync or from a double tap, it is stored once.
    device_id = models.UUIDField(
        _("id made on the device"), null=True, blank=True, unique=True, editable=False
    )
    # Indexed by `ideas_idea_period` (Meta.indexes), which also holds what the statistics count.
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # What the committee's search reads (ideas/search.py), computed by the database: the title
    # weighs most. Erasure reaches it too: the organisation's name leaves it with the field.
    search_document = models.GeneratedField(
        expression=SearchDocument(
            "title",
            "need",
            "description",
            "beneficiaries",
            "place",
            "organisation_name",
            config=CONFIG,
        ),
        output_field=SearchDocumentField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        indexes = [
            models.Index(fields=["status", "created_at"]),
            # The ideas of a period, with what the statistics count of each (on PostgreSQL): their
            # counts are read from the index alone, not from the wide rows (a tenth of the time
            # at 100,000 ideas). Newest-first lists use it as a plain index on created_at.
            models.Index(
                fields=["created_at"],
                include=["id", "is_rural", "municipality", "channel", "outreach_event"],
                name="ideas_idea_period",
            ),
            SearchIndex(fields=["search_document"], name="ideas_idea_search_gin"),
            # The open ideas of one language, newest first: the candidates the idea page compares
            # for likely duplicates (triage.review.similarity). Without it PostgreSQL reads every
            # idea for them (31 ms at 100,000, the idea page's one cost that grew with the data).
            models.Index(
                "language",
                models.F("created_at").desc(),
                condition=models.Q(
                    status__in=sorted(status.value for status in OPEN_STATES),
                    anonymised_at__isnull=True,
                ),
                name="ideas_idea_open_by_language",
            ),
            # The few erased ideas only: the dashboard's cache key asks for the latest erasure
            # (MAX(anonymised_at), triage.dashboard.selectors.dashboard_version) on every
            # request, which without it reads every idea (54 ms at 100,000 on PostgreSQL,
            # 0.19 ms with it).
            models.Index(
                fields=["anonymised_at"],
                condition=models.Q(anonymised_at__isnull=False),
                name="ideas_idea_anonymised",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="idea_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def new_tracking_token(self) -> str:
        """Give the idea a fresh tracking token; only its hash and its random salt are kept.

        The token is an HMAC of the salt with SECRET_KEY (see ideas/tokens.py): the portal can
        derive it again for a later mail, the database alone cannot.
        """
        self.tracking_salt = secrets.token_urlsafe(16)
        token = derive_tracking_token(self.tracking_salt)
        self.tracking_token_hash = hash_token(token)
        return token

    @property
    def tracking_token(self) -> str:
        """The token of the private tracking link, derived again; "" if it cannot be."""
        return tracking_token_for(salt=self.tracking_salt, token_hash=self.tracking_token_hash)

    @property
    def submitter_display(self) -> str:
        return self.organisation_name or self.submitter_name or str(_("Anonymous"))


class IdeaEvent(models.Model):
    """One change of an idea's status: who, when, from, to and why. Written once, never changed.

    Two texts that never mix: `message_to_owner` is what the idea's owner reads (in the status
    mail and on the tracking page); `internal_note` only the committee reads.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(max_length=60, blank=True)
    message_to_owner = models.TextField(_("message to the idea's owner"), blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.from_status} → {self.to_status}"

    @property
    def actor_display(self) -> str:
        """Who made the change, as the staff pages say it."""
        return actor_display(self.actor, self.actor_label)


class IdeaQuestion(models.Model):
    """A question from the committee to the resident, and the resident's answer."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="questions")
    question = models.TextField(_("question"), max_length=5000)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("asked by"),
    )
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    answer = models.TextField(_("answer"), max_length=10000, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        verbose_name = _("question to the resident")
        verbose_name_plural = _("questions to the resident")

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.question[:60]}"


class IdeaVersion(models.Model):
    """What the idea said at one time, and its fingerprint (see ideas/authorship.py).

    Version 1 is the idea as its owner sent it, written in the same transaction as the idea;
    each later change of what the idea says is a new version. A version is written once and
    never changed, so the original is always there to show.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    # The canonical form's object: hashed as it stands, it gives the fingerprint.
    content = models.JSONField(_("content"))
    fingerprint = models.CharField(_("fingerprint (SHA-256)"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["idea", "number"]
        verbose_name = _("version of an idea")
        verbose_name_plural = _("versions of ideas")
        constraints = [
            models.UniqueConstraint(fields=["idea", "number"], name="idea_version_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="idea_version_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id} v{self.number}"

    @property
    def actor_display(self) -> str:
        """Who recorded the version, as the staff pages say it."""
        return actor_display(self.actor, self.actor_label)


def attachment_path(instance: "IdeaAttachment", filename: str) -> str:
    # The stored name never comes from the resident; the extension follows the checked content.
    return f"attachments/{instance.pk.hex}{instance.extension}"


class IdeaAttachment(models.Model):
    """A file sent with an idea: kept outside public paths, downloaded only by the committee."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    # Of the file's bytes, taken as it was stored: the idea's fingerprint covers it. Empty for
    # files stored before fingerprints were taken.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return self.EXTENSIONS.get(self.content_type, ".bin")


def held_file_path(instance: "HeldFile", filename: str) -> str:
    return f"held/{instance.pk.hex}{IdeaAttachment.EXTENSIONS.get(instance.content_type, '.bin')}"


class HeldFile(models.Model):
    """A checked file of a form that came back with an error, kept so that the resident need
    not choose it again (ideas/held_files.py); deleted once the idea is sent or after
    IDEAS_HELD_FILES_HOURS. Outside public paths, like the attachments."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(_("file"), upload_to=held_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("kept since"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("file kept for a form")
        verbose_name_plural = _("files kept for forms")

    def __str__(self) -> str:
        return self.original_name


class IdeaDraft(models.Model):
    """A form saved half-way; the resident reopens it with the link sent by email."""

    LIFETIME = timedelta(days=30)  # the link works this long after the last save

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    email = models.EmailField(_("email"))
    data = models.JSONField(_("form data"), default=dict)
    language = models.CharField(_("language"), max_length=10, default="sv")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    # Set when the draft was sent as an idea: its link then says so instead of opening a form.
    submitted_idea = models.ForeignKey(
        "Idea",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent as"),
    )

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self) -> str:
        return f"{self.pk} ({self.updated_at:%Y-%m-%d})"

    def new_token(self) -> str:
        """Give the draft a fresh random token; only its hash is kept."""
        token = secrets.token_urlsafe(24)
        self.token_hash = hash_token(token)
        return token


class IdeaAnswer(models.Model):
    """The owner's answer to one of the form's questions, tied to the wording it was given to:
    the text, the choice's number (from 1) or "yes"/"no". Erased with the owner's data."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="form_answers")
    version = models.ForeignKey(
        FormQuestionVersion, on_delete=models.PROTECT, related_name="answers"
    )
    value = models.TextField(_("answer"), max_length=5000)

    class Meta:
        ordering = ["version__question__position", "version__question_id"]
        verbose_name = _("answer to a form question")
        verbose_name_plural = _("answers to form questions")
        constraints = [
            models.UniqueConstraint(fields=["idea", "version"], name="idea_answer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.version}"
