"""Every object is scoped to the organisation and role that may see it: tried from the outside."""

import pytest
from django.urls import reverse

from marketplace.models import Organisation, OrganisationKind, Role
from marketplace.services import organisations as services
from tests.factories import MembershipFactory, MunicipalityFactory, OrganisationFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_orgs():
    """Organisation A with an admin and a coordinator; organisation B with an admin."""
    org_a, org_b = OrganisationFactory(name="A"), OrganisationFactory(name="B")
    admin_a = MembershipFactory(organisation=org_a, role=Role.ADMIN).user
    coordinator_a = MembershipFactory(organisation=org_a, role=Role.COORDINATOR).user
    admin_b = MembershipFactory(organisation=org_b, role=Role.ADMIN).user
    invitation_b, _ = services.invitation_create(
        actor=admin_b, organisation=org_b, email="new@example.org", role=Role.COORDINATOR
    )
    return {
        "org_a": org_a,
        "org_b": org_b,
        "admin_a": admin_a,
        "coordinator_a": coordinator_a,
        "admin_b": admin_b,
        "invitation_b": invitation_b,
    }


def test_member_of_a_cannot_list_or_read_b_in_the_api(api_client, two_orgs):
    api_client.force_authenticate(two_orgs["admin_a"])
    org_b, membership_b = two_orgs["org_b"], two_orgs["admin_b"].memberships.get()

    organisations = api_client.get("/api/v1/organisations/").json()["results"]
    memberships = api_client.get("/api/v1/memberships/").json()["results"]
    invitations = api_client.get("/api/v1/invitations/").json()["results"]

    assert [o["name"] for o in organisations] == ["A"]
    assert {m["organisation"] for m in memberships} == {two_orgs["org_a"].pk}
    assert invitations == []
    assert api_client.get(f"/api/v1/organisations/{org_b.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/memberships/{membership_b.pk}/").status_code == 404
    invitation_url = f"/api/v1/invitations/{two_orgs['invitation_b'].pk}/"
    assert api_client.get(invitation_url).status_code == 404


def test_member_of_a_cannot_change_b_in_the_api(api_client, two_orgs):
    api_client.force_authenticate(two_orgs["admin_a"])
    org_b, membership_b = two_orgs["org_b"], two_orgs["admin_b"].memberships.get()

    responses = [
        api_client.patch(f"/api/v1/organisations/{org_b.pk}/", {"name": "Hacked"}),
        api_client.patch(f"/api/v1/memberships/{membership_b.pk}/", {"role": "coordinator"}),
        api_client.post(f"/api/v1/memberships/{membership_b.pk}/deactivate/"),
        api_client.post(
            "/api/v1/invitations/",
            {"organisation": org_b.pk, "email": "spy@example.org", "role": "admin"},
        ),
        api_client.post(f"/api/v1/invitations/{two_orgs['invitation_b'].pk}/revoke/"),
    ]

    assert [r.status_code for r in responses] == [404] * 5
    org_b.refresh_from_db()
    membership_b.refresh_from_db()
    assert org_b.name == "B" and membership_b.is_active and membership_b.role == Role.ADMIN


def test_a_coordinator_can_read_but_not_administer_their_own_organisation(api_client, two_orgs):
    api_client.force_authenticate(two_orgs["coordinator_a"])
    org_a = two_orgs["org_a"]

    assert api_client.get(f"/api/v1/organisations/{org_a.pk}/").status_code == 200
    response = api_client.patch(f"/api/v1/organisations/{org_a.pk}/", {"name": "Mine"})

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "permission_denied"


def test_member_of_a_cannot_open_or_change_b_on_the_web(client, two_orgs):
    client.force_login(two_orgs["admin_a"])
    org_b = two_orgs["org_b"]
    membership_b = two_orgs["admin_b"].memberships.get()

    pages = [
        client.get(reverse("organisation_detail", args=[org_b.pk])),
        client.get(reverse("organisation_edit", args=[org_b.pk])),
        client.post(
            reverse("organisation_edit", args=[org_b.pk]),
            {"name": "Hacked", "kvk_number": org_b.kvk_number},
        ),
        client.get(reverse("invitation_new", args=[org_b.pk])),
        client.post(reverse("membership_deactivate", args=[membership_b.pk])),
        client.post(reverse("invitation_revoke", args=[two_orgs["invitation_b"].pk])),
    ]

    assert [p.status_code for p in pages] == [404] * 6
    org_b.refresh_from_db()
    assert org_b.name == "B"


def test_auditor_sees_only_organisations_of_their_municipality(api_client):
    den_haag, delft = MunicipalityFactory(name="Den Haag"), MunicipalityFactory(name="Delft")
    auditor = member(Role.AUDITOR, municipality=den_haag)
    OrganisationFactory(name="Zorg Den Haag", municipality=den_haag)
    contracted = OrganisationFactory(name="Zorg Regio", municipality=delft)
    contracted.contracted_by.add(den_haag)
    OrganisationFactory(name="Zorg Delft", municipality=delft)
    api_client.force_authenticate(auditor)

    names = {o["name"] for o in api_client.get("/api/v1/organisations/").json()["results"]}

    own = auditor.memberships.get().organisation.name
    assert names == {own, "Zorg Den Haag", "Zorg Regio"}
    assert Organisation.objects.visible_to(auditor).count() == 3


def test_a_coordinator_does_not_get_the_auditor_view_of_their_municipality():
    den_haag = MunicipalityFactory()
    coordinator = member(Role.COORDINATOR, municipality=den_haag)
    OrganisationFactory(municipality=den_haag)

    assert Organisation.objects.visible_to(coordinator).count() == 1


def test_platform_staff_see_everything_and_anonymous_nothing(api_client, two_orgs):
    from tests.factories import UserFactory

    api_client.force_authenticate(UserFactory(is_staff=True))
    assert api_client.get("/api/v1/organisations/").json()["count"] == 2
    api_client.force_authenticate(None)
    anonymous = api_client.get("/api/v1/organisations/")
    assert anonymous.status_code in (401, 403)
    assert Organisation.objects.visible_to(None).count() == 0


def test_inactive_membership_gives_no_access(api_client, two_orgs):
    coordinator = two_orgs["coordinator_a"]
    services.membership_deactivate(
        actor=two_orgs["admin_a"], membership=coordinator.memberships.get()
    )
    api_client.force_authenticate(coordinator)

    assert api_client.get("/api/v1/organisations/").json()["results"] == []


def test_mzo_kind_is_kept_on_sign_up_through_the_api(api_client):
    response = api_client.post(
        "/api/v1/organisations/",
        {
            "name": "Stichting Somalische Ouders",
            "kind": OrganisationKind.MZO,
            "kvk_number": "99887766",
            "admin_full_name": "Hodan Ali",
            "admin_email": "hodan@example.org",
            "password": "a-long-and-unusual-passphrase",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["verification_status"] == "pending"
