"""factory_boy factories for every model the tests build; traits set an idea's status."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from ideas import workflow
from ideas.models import Idea, IdeaEvent, Municipality, SupportKind, Theme
from ideas.tokens import derive_tracking_token, hash_token
from partners.models import Partner, PartnerContact, PartnerKind
from triage.models import Referral


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=str(role))[0])


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name_sv = factory.Sequence(lambda n: f"Tema {n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")


class SupportKindFactory(ThemeFactory):
    class Meta:
        model = SupportKind
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"support-{n}")


def municipality(code: str = "1863") -> Municipality:
    """One of the county's municipalities, loaded by the reference-data migration."""
    return Municipality.objects.get(code=code)


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"IL-2026-{n + 9000:04d}")
    title = factory.Sequence(lambda n: f"Idé nummer {n}")
    description = "Ett mötesrum i den gamla skolan där byn kan träffas."
    municipality = factory.LazyFunction(municipality)
    submitter_name = "Anna Andersson"
    submitter_email = factory.Sequence(lambda n: f"resident{n}@example.org")
    consent_version = "2026-11"
    consent_given_at = factory.LazyFunction(timezone.now)
    # A real derived token (ideas/tokens.py), so that mails about the idea can link back.
    tracking_token_hash = factory.LazyAttribute(
        lambda idea: hash_token(derive_tracking_token(idea.tracking_salt))
    )
    tracking_salt = factory.Sequence(lambda n: f"factory-salt-{n}")

    class Params:
        screening = factory.Trait(status=workflow.Status.SCREENING)
        in_review = factory.Trait(status=workflow.Status.IN_REVIEW)
        referred = factory.Trait(status=workflow.Status.REFERRED)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        self.themes.set(extracted if extracted is not None else [ThemeFactory()])

    @factory.post_generation
    def first_event(self, create, extracted, **kwargs):
        IdeaEvent.objects.create(idea=self, to_status=self.status, actor_label="factory")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partnerorganisation {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    kind = PartnerKind.ASSOCIATION
    is_civil_society = True
    capacity = 5

    @factory.post_generation
    def contacts(self, create, extracted, **kwargs):
        count = 1 if extracted is None else extracted
        for index in range(count):
            PartnerContactFactory(partner=self, name=f"Kontakt {index}")


class PartnerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerContact

    partner = factory.SubFactory(PartnerFactory, contacts=0)
    name = "Kim Kontakt"
    email = factory.Sequence(lambda n: f"contact{n}@partner.example.org")
    role = "Idéansvarig"


class ReferralFactory(factory.django.DjangoModelFactory):
    idea = factory.SubFactory(IdeaFactory, referred=True)
    partner = factory.SubFactory(PartnerFactory)

    class Meta:
        model = Referral
        skip_postgeneration_save = True

    @factory.post_generation
    def first_event(self, create, extracted, **kwargs):
        """Its history, as `idea_refer` and `referral_transition` would have written it."""
        from triage.models import ReferralEvent

        ReferralEvent.objects.create(
            referral=self, to_state="sent", actor_label="factory", created_at=self.created_at
        )
        if self.state != "sent":
            ReferralEvent.objects.create(
                referral=self,
                from_state="sent",
                to_state=self.state,
                actor_label="factory",
                created_at=self.created_at,
            )


# -- triage: criteria, reviews, conflicts, notes ------------------------------------------------
from triage.models import (  # noqa: E402
    ConflictDeclaration,
    Criterion,
    Membership,
    Note,
    Review,
    ReviewAssignment,
    Score,
)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Kriterium {n}")
    weight = 1
    order = factory.Sequence(lambda n: 100 + n)


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review; `submitted=True` submits it with a recommendation to refer."""

    class Meta:
        model = Review

    idea = factory.SubFactory(IdeaFactory, in_review=True)
    member = factory.SubFactory(UserFactory)

    class Params:
        submitted = factory.Trait(
            submitted_at=factory.LazyFunction(timezone.now), recommendation="refer"
        )


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    review = factory.SubFactory(ReviewFactory)
    criterion = factory.SubFactory(CriterionFactory)
    value = 3


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    idea = factory.SubFactory(IdeaFactory, in_review=True)
    member = factory.SubFactory(UserFactory)


class ConflictDeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConflictDeclaration

    idea = factory.SubFactory(IdeaFactory, in_review=True)
    member = factory.SubFactory(UserFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    member = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    idea = factory.SubFactory(IdeaFactory)
    author = factory.SubFactory(UserFactory)
    body = "Vi borde höra med kommunen först."
