import pytest
from django.urls import reverse

from marketplace.models import Membership, Organisation, OrganisationInvitation, Role
from marketplace.services import organisations as services
from tests.factories import PASSWORD, MembershipFactory, UserFactory, member

pytestmark = pytest.mark.django_db

SIGN_UP_FORM = {
    "kind": "care",
    "name": "Jeugdteam Laak",
    "kvk_number": "1234 5678",
    "street": "Herengracht 1",
    "postcode": "2511ej",
    "city": "Den Haag",
    "admin_full_name": "Sanne de Wit",
    "admin_email": "sanne@example.org",
    "password": PASSWORD,
}


def test_home_page_is_dutch_by_default_and_accessible(client, settings):
    settings.LANGUAGE_CODE = "nl"

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="nl">' in html
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert "Inloggen" in html


def test_sign_up_on_the_web_logs_the_admin_in_and_awaits_verification(client):
    response = client.post(reverse("signup"), SIGN_UP_FORM, follow=True)

    organisation = Organisation.objects.get()
    assert response.redirect_chain[-1][0] == reverse("organisation_detail", args=[organisation.pk])
    assert organisation.kvk_number == "12345678"
    assert organisation.postcode == "2511 EJ"
    assert not organisation.is_verified
    assert response.context["user"].email == "sanne@example.org"
    assert "Awaiting verification" in response.content.decode()


def test_sign_up_errors_are_shown_on_the_fields_and_keep_the_input(client):
    UserFactory(email="sanne@example.org")

    bad_kvk = client.post(reverse("signup"), {**SIGN_UP_FORM, "kvk_number": "12"})
    taken = client.post(reverse("signup"), SIGN_UP_FORM)

    assert "exactly 8 digits" in bad_kvk.context["form"].errors["kvk_number"][0]
    assert 'value="Jeugdteam Laak"' in bad_kvk.content.decode()
    assert "already exists" in taken.context["form"].errors["admin_email"][
        0
    ] or "already exists" in str(taken.context["form"].errors)
    assert not Organisation.objects.exists()


def test_login_is_by_email_and_leads_to_the_start_page(client):
    user = member(Role.COORDINATOR)

    response = client.post(
        reverse("login"), {"username": user.email, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("start")
    assert user.memberships.get().organisation.name in response.content.decode()


def test_start_page_requires_login(client):
    response = client.get(reverse("start"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_navigation_follows_the_role(client):
    staff = UserFactory(is_staff=True)
    coordinator = member(Role.COORDINATOR)

    client.force_login(coordinator)
    coordinator_page = client.get(reverse("start")).content.decode()
    client.force_login(staff)
    staff_page = client.get(reverse("start")).content.decode()

    assert reverse("admin:index") not in coordinator_page
    assert reverse("admin:index") in staff_page


def test_admin_invites_on_the_web_and_the_invitee_joins_with_a_new_account(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    admin = MembershipFactory(role=Role.ADMIN).user
    organisation = admin.memberships.get().organisation
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("invitation_new", args=[organisation.pk]),
            {"email": "nieuw@example.org", "role": Role.COORDINATOR},
        )
    link = next(line for line in mailoutbox[0].body.splitlines() if "/invitation/" in line)
    client.logout()
    page = client.get(link)
    joined = client.post(link, {"full_name": "Nieuwe Collega", "password": PASSWORD}, follow=True)

    assert page.status_code == 200
    assert joined.redirect_chain[-1][0] == reverse("organisation_detail", args=[organisation.pk])
    assert Membership.objects.get(user__email="nieuw@example.org").role == Role.COORDINATOR


def test_a_used_or_unknown_invitation_link_says_so(client):
    admin = MembershipFactory(role=Role.ADMIN).user
    _, token = services.invitation_create(
        actor=admin,
        organisation=admin.memberships.get().organisation,
        email="x@example.org",
        role=Role.COORDINATOR,
    )
    OrganisationInvitation.objects.update(status="revoked")

    revoked = client.post(
        reverse("invitation_accept", args=[token]),
        {"full_name": "X", "password": PASSWORD},
        follow=True,
    )
    unknown = client.get(reverse("invitation_accept", args=["nope"]))

    assert "withdrawn" in revoked.content.decode()
    assert unknown.status_code == 404


def test_health_endpoint(client):
    assert client.get("/healthz").json() == {"status": "ok"}
