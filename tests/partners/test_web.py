from datetime import date

import pytest
from django.urls import reverse

from tests.factories import NeighbourhoodFactory
from tests.partners.factories import KeyPersonProfileFactory, taxonomy

pytestmark = pytest.mark.django_db


def test_a_key_person_publishes_and_is_told_it_awaits_the_check(client):
    taxonomy()
    profile = KeyPersonProfileFactory(
        is_published=False,
        verification_status="pending",
        date_of_birth=date(1984, 4, 12),
        iban="NL91ABNA0417164300",
        languages=[("en", "fluent")],
        expertise=["bridging"],
        neighbourhoods=[NeighbourhoodFactory()],
    )
    client.force_login(profile.user)

    page = client.post(reverse("partners:publish", args=[profile.pk]), follow=True)

    profile.refresh_from_db()
    assert profile.is_published and not profile.is_listed
    assert "as soon as platform staff have checked it" in page.content.decode()


def test_contact_details_in_a_bio_are_refused_on_the_field_and_the_text_is_kept(client):
    taxonomy()
    profile = KeyPersonProfileFactory()
    client.force_login(profile.user)

    page = client.post(
        reverse("partners:edit", args=[profile.pk]),
        {
            "display_name": "Hawa",
            "bio": "Bel 06-12345678",
            "travel_radius_km": 5,
            "hours_per_month": 8,
            "compensation_mode": "allowance",
            "hourly_rate": "5.75",
            "lang-TOTAL_FORMS": 0,
            "lang-INITIAL_FORMS": 0,
        },
    )

    html = page.content.decode()
    assert "06-12345678" in page.context["form"].errors["bio"][0]
    assert "contact details stay off your profile" in html
    assert "Bel 06-12345678</textarea>" in html
