"""The support-request pages, tried from the outside with a logged-in browser session."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.models import OrganisationKind, Role, VerificationStatus
from requests.models import Status, SupportRequest
from tests.factories import MembershipFactory, OrganisationFactory, member
from tests.requests.factories import SupportRequestFactory, partner

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("places")]


def form_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "title": "Uitleg jeugdhulp aan Eritrese ouders",
        "expertise": "explaining-system",
        "community": "eritrean",
        "place": "Schilderswijk",
        "mode": "in_person",
        "hours_estimated": "12",
        "period_start": str(today + timedelta(days=14)),
        "period_end": str(today + timedelta(days=70)),
        "budget_ceiling": "540",
        "response_deadline": str(today + timedelta(days=7)),
        "description": "Zes moeders willen weten wat het jeugdteam doet.",
        "internal_notes": "",
        "lang-required": ["ti"],
        "lang-preferred": ["am"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_a_coordinator_posts_a_draft_and_publishes_it(coordinator_client, care_org):
    response = coordinator_client.post(reverse("requests:create"), form_data(), follow=True)

    request = SupportRequest.objects.get()
    assert response.redirect_chain[-1][0] == reverse("requests:detail", args=[request.pk])
    assert request.status == Status.DRAFT and request.organisation == care_org
    assert {(n.language.code, n.requirement) for n in request.languages.all()} == {
        ("ti", "required"),
        ("am", "preferred"),
    }
    html = response.content.decode()
    assert "Saved as a draft. Place: Schildersbuurt-" in html
    assert f'action="{reverse("requests:transition", args=[request.pk, "publish"])}"' in html

    published = coordinator_client.post(
        reverse("requests:transition", args=[request.pk, "publish"]), follow=True
    )

    request.refresh_from_db()
    assert request.status == Status.OPEN
    assert "Published" in published.content.decode()


def test_publish_now_button_opens_at_once(coordinator_client):
    coordinator_client.post(reverse("requests:create"), form_data(publish="1"))

    assert SupportRequest.objects.get().status == Status.OPEN


def test_the_privacy_guard_shows_on_the_field_and_keeps_the_input(coordinator_client):
    text = "Moeder (06-12345678) vraagt hulp bij opvoeding."

    response = coordinator_client.post(reverse("requests:create"), form_data(description=text))

    assert response.status_code == 200
    errors = response.context["form"].errors["description"]
    assert errors == [
        "Remove “06-12345678” (a phone number): a request describes a need, never a person."
    ]
    html = response.content.decode()
    assert 'id="id_description_error"' in html
    assert "Moeder (06-12345678) vraagt hulp bij opvoeding.</textarea>" in html
    assert 'value="Uitleg jeugdhulp aan Eritrese ouders"' in html
    assert 'value="ti" id="id_lang-required_' in html and "checked" in html
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize(
    ("place", "message"),
    [
        ("2525 AB", "Use only the 4 digits of the postcode"),
        ("Atlantis", "No Dutch municipality, district or neighbourhood is called"),
    ],
)
def test_an_invalid_place_shows_on_the_place_field(coordinator_client, place, message):
    response = coordinator_client.post(reverse("requests:create"), form_data(place=place))

    assert message in response.context["form"].errors["place"][0]
    assert f'value="{place}"' in response.content.decode()
    assert not SupportRequest.objects.exists()


def test_date_rules_show_on_their_fields(coordinator_client):
    today = timezone.localdate()
    response = coordinator_client.post(
        reverse("requests:create"),
        form_data(
            period_end=str(today + timedelta(days=1)),
            response_deadline=str(today - timedelta(days=1)),
            publish="1",
        ),
    )

    errors = response.context["form"].errors
    assert "cannot end before it starts" in errors["period_end"][0]
    assert "has passed" in errors["response_deadline"][0]


def test_a_language_cannot_be_both_required_and_preferred(coordinator_client):
    response = coordinator_client.post(
        reverse("requests:create"), form_data(**{"lang-preferred": ["ti"]})
    )

    assert "either required or preferred" in response.context["languages"].errors["preferred"][0]


def test_an_unverified_organisation_sees_why_it_cannot_post(client):
    org = OrganisationFactory(
        kind=OrganisationKind.CARE, verification_status=VerificationStatus.PENDING
    )
    client.force_login(MembershipFactory(organisation=org).user)

    page = client.get(reverse("requests:create"))
    response = client.post(reverse("requests:create"), form_data())

    assert "is not verified yet" in page.content.decode()
    assert "not verified yet" in response.context["form"].non_field_errors()[0]
    assert not SupportRequest.objects.exists()


def test_a_key_person_cannot_open_the_form(client):
    client.force_login(member(Role.KEY_PERSON))

    assert client.get(reverse("requests:create")).status_code == 403
    assert client.post(reverse("requests:create"), form_data()).status_code == 403


def test_the_list_shows_own_requests_by_status(coordinator_client, care_org):
    SupportRequestFactory(organisation=care_org, title="Open verzoek")
    SupportRequestFactory(organisation=care_org, title="Concept", status=Status.DRAFT)
    SupportRequestFactory(title="Van een ander")

    everything = coordinator_client.get(reverse("requests:list")).content.decode()
    drafts = coordinator_client.get(reverse("requests:list") + "?status=draft").content.decode()

    assert "Open verzoek" in everything and "Concept" in everything
    assert "Van een ander" not in everything
    assert "Concept" in drafts and "Open verzoek" not in drafts
    assert '<label for="id_status">' in everything


def test_a_coordinator_of_a_cannot_see_or_change_bs_requests_on_the_web(coordinator_client):
    other = SupportRequestFactory(title="Van B", status=Status.DRAFT)

    responses = [
        coordinator_client.get(reverse("requests:detail", args=[other.pk])),
        coordinator_client.get(reverse("requests:edit", args=[other.pk])),
        coordinator_client.post(reverse("requests:edit", args=[other.pk]), form_data()),
        coordinator_client.post(reverse("requests:transition", args=[other.pk, "publish"])),
        coordinator_client.post(reverse("requests:transition", args=[other.pk, "cancel"])),
    ]

    assert [r.status_code for r in responses] == [404] * 5
    other.refresh_from_db()
    assert other.title == "Van B" and other.status == Status.DRAFT


def test_the_detail_page_offers_the_actions_of_the_current_status(coordinator_client, care_org):
    request = SupportRequestFactory(
        organisation=care_org, status=Status.FILLED, internal_notes="Alleen voor ons"
    )

    html = coordinator_client.get(reverse("requests:detail", args=[request.pk])).content.decode()

    assert "Alleen voor ons" in html
    assert reverse("requests:transition", args=[request.pk, "start"]) in html
    assert reverse("requests:transition", args=[request.pk, "cancel"]) in html
    assert reverse("requests:transition", args=[request.pk, "publish"]) not in html
    assert reverse("requests:edit", args=[request.pk]) not in html


def test_an_illegal_transition_on_the_web_shows_the_reason(coordinator_client, care_org):
    request = SupportRequestFactory(organisation=care_org, status=Status.COMPLETED)

    response = coordinator_client.post(
        reverse("requests:transition", args=[request.pk, "publish"]), follow=True
    )

    assert "This request is completed, so it cannot become open." in response.content.decode()


def test_cancel_with_a_reason_and_the_guard_on_the_reason(coordinator_client, care_org):
    request = SupportRequestFactory(organisation=care_org)
    url = reverse("requests:transition", args=[request.pk, "cancel"])

    refused = coordinator_client.post(url, {"reason": "Moeder: m@example.org"})
    done = coordinator_client.post(url, {"reason": "Het wijkteam pakt het op."})

    assert refused.status_code == 400
    assert "Remove “m@example.org”" in refused.content.decode()
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.CANCELLED


def test_edit_keeps_what_did_not_change(coordinator_client, care_org, places):
    request = SupportRequestFactory(organisation=care_org, status=Status.DRAFT, languages=["ti"])
    url = reverse("requests:edit", args=[request.pk])
    initial = coordinator_client.get(url).context["form"].initial

    response = coordinator_client.post(
        url,
        {
            **{k: v for k, v in initial.items() if v is not None},
            "title": "Nieuwe titel",
            "place": "2572",
            "lang-required": ["ti"],
        },
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.title == "Nieuwe titel"
    shown = [str(m) for m in coordinator_client.get(response["Location"]).context["messages"]]
    assert shown == ["Saved. Place: 2572 (Transvaalkwartier-Noord, Den Haag)."]
    assert request.postcode_area == places.pc_2572
    assert [n.language.code for n in request.languages.all()] == ["ti"]


def test_partners_see_relevant_open_requests_without_internal_notes(client, places):
    user, _ = partner(languages=["ti"], neighbourhoods=[places.schilders_west])
    relevant = SupportRequestFactory(
        title="Voor jou", languages=["ti"], internal_notes="GEHEIM-INTERN"
    )
    SupportRequestFactory(title="Andere taal", languages=["pl"])
    client.force_login(user)

    listing = client.get(reverse("requests:for_you")).content.decode()
    detail = client.get(reverse("requests:detail", args=[relevant.pk]))

    assert "Voor jou" in listing and "Andere taal" not in listing
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "Ouders willen weten" in html
    assert "GEHEIM-INTERN" not in html and "Internal notes" not in html
    assert relevant.created_by.full_name not in html
    assert reverse("requests:transition", args=[relevant.pk, "cancel"]) not in html
    assert client.get(reverse("requests:edit", args=[relevant.pk])).status_code == 404


def test_a_non_partner_gets_a_pointer_instead_of_requests(client):
    SupportRequestFactory()
    client.force_login(member(Role.AUDITOR))

    html = client.get(reverse("requests:for_you")).content.decode()

    assert "set up a partner profile" in html


def test_pages_require_login(client):
    response = client.get(reverse("requests:list"))

    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_every_page_renders_in_dutch(client, settings, care_org, coordinator, places):
    settings.LANGUAGE_CODE = "nl"
    request = SupportRequestFactory(organisation=care_org, languages=["ti"])
    user, _ = partner(languages=["ti"], neighbourhoods=[places.schilders_west])

    client.force_login(coordinator)
    owner_pages = [
        reverse("requests:list"),
        reverse("requests:create"),
        reverse("requests:detail", args=[request.pk]),
        reverse("requests:edit", args=[request.pk]),
    ]
    statuses = [client.get(url).status_code for url in owner_pages]
    client.force_login(user)
    statuses += [
        client.get(reverse("requests:for_you")).status_code,
        client.get(reverse("requests:detail", args=[request.pk])).status_code,
    ]

    assert statuses == [200] * 6
