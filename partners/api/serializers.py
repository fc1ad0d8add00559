"""Partner shapes. The public shape never carries contact data, date of birth, IBAN or an
individual's rate; the owner shape adds what the partner manages themselves."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partners.models import (
    CompensationMode,
    Offer,
    PartnerKind,
    PartnerProfile,
    PricingUnit,
    Proficiency,
    VatCode,
)
from partners.selectors import shows_rate


class TermSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class LanguageSkillSerializer(serializers.Serializer):
    code = serializers.CharField(source="language.code")
    name = serializers.CharField(source="language.name")
    proficiency = serializers.ChoiceField(choices=Proficiency.choices)


class PlaceRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    municipality = serializers.CharField(source="municipality.name")


class PartnerPublicSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(
        source="organisation.name", default=None, read_only=True
    )
    expertise = TermSerializer(many=True, read_only=True)
    communities = TermSerializer(many=True, read_only=True)
    languages = LanguageSkillSerializer(many=True, read_only=True)
    neighbourhoods = PlaceRefSerializer(many=True, read_only=True)
    base_neighbourhood = PlaceRefSerializer(read_only=True, allow_null=True)
    hourly_rate = serializers.SerializerMethodField()

    class Meta:
        model = PartnerProfile
        fields = [
            "id",
            "kind",
            "display_name",
            "organisation_name",
            "bio",
            "expertise",
            "communities",
            "languages",
            "neighbourhoods",
            "base_neighbourhood",
            "travel_radius_km",
            "in_person",
            "online",
            "hours_per_month",
            "weekdays",
            "compensation_mode",
            "hourly_rate",
            "verification_status",
            "is_published",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True))
    def get_hourly_rate(self, profile) -> str | None:
        visible = shows_rate(
            profile,
            viewer_is_coordinator=self.context.get("is_coordinator", False),
            managed_ids=self.context.get("managed_ids", set()),
        )
        return str(profile.hourly_rate) if visible else None


class PartnerOwnerSerializer(PartnerPublicSerializer):
    class Meta(PartnerPublicSerializer.Meta):
        fields = [
            *PartnerPublicSerializer.Meta.fields,
            "date_of_birth",
            "kvk_number",
            "vat_code",
            "vat_id",
            "vat_exemption_reason",
            "iban",
            "account_holder",
            "street",
            "postcode",
            "city",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class LanguageSkillInput(serializers.Serializer):
    code = serializers.CharField(max_length=8)
    proficiency = serializers.ChoiceField(choices=Proficiency.choices)


class PartnerInputSerializer(serializers.Serializer):
    """Every field optional: create and update both pass only what was sent to the service."""

    display_name = serializers.CharField(max_length=150, required=False)
    bio = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    expertise = serializers.ListField(child=serializers.SlugField(), required=False)
    communities = serializers.ListField(child=serializers.SlugField(), required=False)
    languages = LanguageSkillInput(many=True, required=False)
    neighbourhoods = serializers.ListField(
        child=serializers.CharField(max_length=120),
        required=False,
        help_text="Neighbourhood names or CBS codes (BU…); a district name means all of it.",
    )
    base_neighbourhood = serializers.CharField(max_length=120, required=False, allow_blank=True)
    travel_radius_km = serializers.IntegerField(min_value=0, max_value=200, required=False)
    in_person = serializers.BooleanField(required=False)
    online = serializers.BooleanField(required=False)
    hours_per_month = serializers.IntegerField(min_value=0, max_value=200, required=False)
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), required=False
    )
    compensation_mode = serializers.ChoiceField(choices=CompensationMode.choices, required=False)
    hourly_rate = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, required=False
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    kvk_number = serializers.CharField(max_length=12, required=False, allow_blank=True)
    vat_code = serializers.ChoiceField(choices=VatCode.choices, required=False, allow_blank=True)
    vat_id = serializers.CharField(max_length=20, required=False, allow_blank=True)
    vat_exemption_reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    iban = serializers.CharField(max_length=40, required=False, allow_blank=True)
    account_holder = serializers.CharField(max_length=150, required=False, allow_blank=True)
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=7, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)


class PartnerCreateSerializer(PartnerInputSerializer):
    kind = serializers.ChoiceField(choices=PartnerKind.choices)
    organisation = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The MZO (for kind=mzo, or the MZO that dispatches a key person).",
    )
    user = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="For an MZO admin creating a member's key-person profile; default: yourself.",
    )


class KeyPersonRegisterSerializer(PartnerInputSerializer):
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})


class OfferSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.display_name", read_only=True)
    expertise = TermSerializer(read_only=True)
    languages = TermSerializer(many=True, read_only=True)
    communities = TermSerializer(many=True, read_only=True)
    price = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = [
            "id",
            "partner",
            "partner_name",
            "title",
            "description",
            "expertise",
            "languages",
            "communities",
            "duration_hours",
            "pricing",
            "price",
            "in_person",
            "online",
            "is_published",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True))
    def get_price(self, offer) -> str | None:
        visible = shows_rate(
            offer.partner,
            viewer_is_coordinator=self.context.get("is_coordinator", False),
            managed_ids=self.context.get("managed_ids", set()),
        )
        return str(offer.price) if visible else None


class OfferInputSerializer(serializers.Serializer):
    partner = serializers.IntegerField(required=False)
    title = serializers.CharField(max_length=150, required=False)
    description = serializers.CharField(max_length=3000, required=False)
    expertise = serializers.SlugField(required=False)
    languages = serializers.ListField(child=serializers.CharField(max_length=8), required=False)
    communities = serializers.ListField(child=serializers.SlugField(), required=False)
    duration_hours = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, required=False
    )
    pricing = serializers.ChoiceField(choices=PricingUnit.choices, required=False)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    in_person = serializers.BooleanField(required=False)
    online = serializers.BooleanField(required=False)
    is_published = serializers.BooleanField(required=False)
