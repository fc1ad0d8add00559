"""Input and output shapes for support requests. Serializers validate and present; services write.

Two output shapes: `SupportRequestSerializer` for the owning organisation (with internal notes
and who created it) and `SupportRequestPartnerSerializer` for partners (neither).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.models import Organisation
from partners.models import Community, Expertise, Language, Proficiency
from requests.lifecycle import allowed_actions
from requests.models import Mode, RequestLanguage, Requirement, SupportRequest
from requests.privacy import validate_no_personal_data
from requests.services import CANCEL_REASON_MAX, check_request_values

PLACE_HELP = _(
    "A neighbourhood name or CBS code (BU…), a district, or the 4 digits of a postcode. "
    "Never a full postcode or an address."
)


# --- output -----------------------------------------------------------------------------------


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class PlaceSerializer(serializers.Serializer):
    label = serializers.CharField(source="place_label", read_only=True)
    neighbourhood = CodeNameSerializer(read_only=True)
    district = CodeNameSerializer(source="neighbourhood.district", read_only=True)
    municipality = CodeNameSerializer(source="neighbourhood.municipality", read_only=True)
    postcode = serializers.CharField(
        source="postcode_area.code",
        read_only=True,
        default=None,
        allow_null=True,
        help_text=_("The 4-digit postcode, when the place was given as one."),
    )


class RequestLanguageSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="language.code", read_only=True)
    name = serializers.CharField(source="language.name", read_only=True)

    class Meta:
        model = RequestLanguage
        fields = ["code", "name", "requirement", "min_proficiency"]
        read_only_fields = fields


class OrganisationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]
        read_only_fields = fields


class SupportRequestPartnerSerializer(serializers.ModelSerializer):
    """What a partner sees: the need, never the organisation's internal notes or its staff."""

    organisation = OrganisationBriefSerializer(read_only=True)
    expertise = CodeNameSerializer(read_only=True)
    community = CodeNameSerializer(read_only=True, allow_null=True)
    place = PlaceSerializer(source="*", read_only=True)
    languages = RequestLanguageSerializer(many=True, read_only=True)

    class Meta:
        model = SupportRequest
        fields = [
            "id",
            "title",
            "status",
            "organisation",
            "expertise",
            "community",
            "place",
            "mode",
            "hours_estimated",
            "period_start",
            "period_end",
            "budget_ceiling",
            "response_deadline",
            "description",
            "languages",
            "created_at",
        ]
        read_only_fields = fields


class PersonBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(read_only=True)


class SupportRequestSerializer(SupportRequestPartnerSerializer):
    """What the owning organisation sees."""

    created_by = PersonBriefSerializer(read_only=True)
    allowed_actions = serializers.SerializerMethodField(
        help_text=_("The actions possible in the current status.")
    )

    class Meta(SupportRequestPartnerSerializer.Meta):
        fields = [
            *SupportRequestPartnerSerializer.Meta.fields,
            "internal_notes",
            "created_by",
            "updated_at",
            "status_changed_at",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(
            child=serializers.ChoiceField(
                choices=["publish", "start_matching", "mark_filled", "start", "complete", "cancel"]
            )
        )
    )
    def get_allowed_actions(self, obj: SupportRequest) -> list[str]:
        return allowed_actions(obj.status)


# --- input ------------------------------------------------------------------------------------


class LanguageNeedSerializer(serializers.Serializer):
    language = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Language.objects.active(),
        help_text=_("ISO 639 code, e.g. ti, ary, pap."),
    )
    requirement = serializers.ChoiceField(choices=Requirement.choices, default=Requirement.REQUIRED)
    min_proficiency = serializers.ChoiceField(
        choices=Proficiency.choices, default=Proficiency.BASIC
    )


class SupportRequestUpdateSerializer(serializers.Serializer):
    """Partial update of a draft or open request: only the fields given change."""

    title = serializers.CharField(max_length=120, validators=[validate_no_personal_data])
    expertise = serializers.SlugRelatedField(
        slug_field="code", queryset=Expertise.objects.active(), help_text=_("Kind of work (code).")
    )
    community = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Community.objects.active(),
        required=False,
        allow_null=True,
        help_text=_("Community (code), optional."),
    )
    place = serializers.CharField(max_length=200, help_text=PLACE_HELP)
    mode = serializers.ChoiceField(choices=Mode.choices)
    hours_estimated = serializers.DecimalField(max_digits=6, decimal_places=2)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    budget_ceiling = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text=_("In euros.")
    )
    response_deadline = serializers.DateField(help_text=_("The last day partners can respond."))
    description = serializers.CharField(max_length=5000, validators=[validate_no_personal_data])
    internal_notes = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        validators=[validate_no_personal_data],
        help_text=_("Only your organisation sees these; partners never do."),
    )
    languages = LanguageNeedSerializer(many=True, required=False)

    publishing = False

    def validate(self, attrs):
        values = {}
        if self.instance is not None:
            values = {
                field: getattr(self.instance, field)
                for field in (
                    "hours_estimated",
                    "budget_ceiling",
                    "period_start",
                    "period_end",
                    "response_deadline",
                )
            }
        values.update(attrs)
        publishing = self.publishing or (
            self.instance is not None
            and self.instance.status == "open"
            and "response_deadline" in attrs
        )
        errors = check_request_values(values, publishing=publishing)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class SupportRequestCreateSerializer(SupportRequestUpdateSerializer):
    """A new support request: a draft, or open at once with `publish`."""

    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_(
            "The care organisation that posts the request; may be left out when you coordinate "
            "for exactly one."
        ),
    )
    publish = serializers.BooleanField(
        default=False, help_text=_("Open the request to partners at once (else a draft).")
    )

    def validate(self, attrs):
        self.publishing = attrs.get("publish", False)
        return super().validate(attrs)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=CANCEL_REASON_MAX,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_no_personal_data],
        help_text=_("Why the request is cancelled; kept in the audit trail."),
    )
