import factory
from factory.django import DjangoModelFactory

from marketplace.models import OrganisationKind, VerificationStatus
from partners.models import (
    Community,
    Expertise,
    Language,
    PartnerKind,
    PartnerLanguage,
    PartnerProfile,
)
from partners.taxonomy_data import seed_current_taxonomy
from tests.factories import OrganisationFactory, UserFactory


def taxonomy() -> None:
    """The seeded taxonomy (the data migration's rows), for tests that flushed it."""
    seed_current_taxonomy()


class KeyPersonProfileFactory(DjangoModelFactory):
    class Meta:
        model = PartnerProfile
        skip_postgeneration_save = True

    kind = PartnerKind.KEY_PERSON
    user = factory.SubFactory(UserFactory)
    display_name = factory.LazyAttribute(lambda o: o.user.full_name)
    bio = "Sleutelpersoon in de wijk."
    is_published = True
    verification_status = VerificationStatus.VERIFIED
    hourly_rate = "5.75"

    @factory.post_generation
    def languages(obj, create, extracted, **kwargs):
        for code, level in extracted or []:
            PartnerLanguage.objects.create(
                profile=obj, language=Language.objects.get(code=code), proficiency=level
            )

    @factory.post_generation
    def expertise(obj, create, extracted, **kwargs):
        if extracted:
            obj.expertise.set(Expertise.objects.filter(code__in=extracted))

    @factory.post_generation
    def communities(obj, create, extracted, **kwargs):
        if extracted:
            obj.communities.set(Community.objects.filter(code__in=extracted))

    @factory.post_generation
    def neighbourhoods(obj, create, extracted, **kwargs):
        if extracted:
            obj.neighbourhoods.set(extracted)


class MzoProfileFactory(KeyPersonProfileFactory):
    kind = PartnerKind.MZO
    user = None
    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.MZO)
    display_name = factory.LazyAttribute(lambda o: o.organisation.name)
    hourly_rate = "45.00"
    compensation_mode = "invoice_org"
