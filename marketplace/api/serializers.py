"""Input and output shapes. Serializers validate and present; services write."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from geo.models import Municipality
from marketplace.models import Membership, Organisation, OrganisationInvitation, Role, User
from marketplace.services.organisations import SIGN_UP_KINDS
from marketplace.validators import normalise_kvk, validate_postcode


class MembershipBriefSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    organisation_kind = serializers.CharField(source="organisation.kind", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "organisation_kind",
            "role",
            "is_active",
        ]


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "preferred_language", "is_staff", "memberships"]

    def get_memberships(self, user) -> list[dict]:
        active = user.memberships.active().select_related("organisation")
        return MembershipBriefSerializer(active, many=True).data


class OrganisationSerializer(serializers.ModelSerializer):
    municipality_code = serializers.CharField(
        source="municipality.code", read_only=True, default=None
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "kvk_number",
            "street",
            "postcode",
            "city",
            "municipality_code",
            "email",
            "phone",
            "website",
            "verification_status",
            "verified_at",
            "created_at",
        ]
        read_only_fields = fields


class OrganisationUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    kvk_number = serializers.CharField(max_length=12, required=False)
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postcode = serializers.CharField(
        max_length=7, required=False, allow_blank=True, validators=[validate_postcode]
    )
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)

    def validate_kvk_number(self, value: str) -> str:
        return normalise_kvk(value)


class OrganisationSignUpSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=sorted(SIGN_UP_KINDS))
    kvk_number = serializers.CharField(max_length=12)
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postcode = serializers.CharField(
        max_length=7, required=False, allow_blank=True, validators=[validate_postcode]
    )
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    municipality = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Municipality.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("CBS code such as GM0518."),
    )
    email = serializers.EmailField(required=False, allow_blank=True)
    admin_full_name = serializers.CharField(max_length=150)
    admin_email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})

    def validate_kvk_number(self, value: str) -> str:
        return normalise_kvk(value)


class MembershipSerializer(serializers.ModelSerializer):
    user_email = serializers.EmailField(source="user.email", read_only=True)
    user_full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "organisation",
            "user_email",
            "user_full_name",
            "role",
            "is_active",
            "created_at",
        ]
        read_only_fields = fields


class MembershipRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrganisationInvitation
        fields = [
            "id",
            "organisation",
            "email",
            "role",
            "status",
            "created_at",
            "expires_at",
            "accepted_at",
        ]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationAcceptSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=100)
