"""Places and taxonomy for the support-request tests: a small Haaglanden gazetteer built with
factories (real CBS codes and label points), independent of the geo app's fixtures."""

from types import SimpleNamespace

import pytest

from geo import index as geo_index
from marketplace.models import OrganisationKind, Role
from partners.taxonomy_data import seed_current_taxonomy
from tests.factories import (
    DistrictFactory,
    MembershipFactory,
    MunicipalityFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
)
from tests.requests.factories import PostcodeAreaFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def taxonomy(db):
    """The seed taxonomy (a partners data migration normally provides it)."""
    seed_current_taxonomy()


@pytest.fixture
def places(db, taxonomy):
    """Den Haag (Schilderswijk, Transvaal, Duindorp), Delft and Zoetermeer, with PC4 2525/2572."""
    den_haag = MunicipalityFactory(
        code="GM0518", name="Den Haag", aliases=["'s-Gravenhage"], lat=52.0799, lon=4.3113
    )
    delft = MunicipalityFactory(code="GM0503", name="Delft", lat=52.0116, lon=4.3571)
    zoetermeer = MunicipalityFactory(code="GM0637", name="Zoetermeer", lat=52.0575, lon=4.4931)
    schilderswijk = DistrictFactory(
        code="WK051829",
        name="Schildersbuurt",
        aliases=["Schilderswijk"],
        municipality=den_haag,
        lat=52.0697,
        lon=4.2990,
    )
    transvaal = DistrictFactory(
        code="WK051830", name="Transvaalkwartier", municipality=den_haag, lat=52.0650, lon=4.2885
    )
    duindorp_wk = DistrictFactory(
        code="WK051808", name="Duindorp", municipality=den_haag, lat=52.0920, lon=4.2620
    )
    binnenstad = DistrictFactory(
        code="WK050311", name="Binnenstad", municipality=delft, lat=52.0116, lon=4.3571
    )
    centrum_zm = DistrictFactory(
        code="WK063700", name="Centrum", municipality=zoetermeer, lat=52.0600, lon=4.4930
    )
    ns = SimpleNamespace(
        den_haag=den_haag,
        delft=delft,
        zoetermeer=zoetermeer,
        schilders_west=NeighbourhoodFactory(
            code="BU05182915",
            name="Schildersbuurt-West",
            district=schilderswijk,
            lat=52.0705,
            lon=4.2955,
        ),
        schilders_noord=NeighbourhoodFactory(
            code="BU05182916",
            name="Schildersbuurt-Noord",
            district=schilderswijk,
            lat=52.0725,
            lon=4.3010,
        ),
        transvaal_noord=NeighbourhoodFactory(
            code="BU05183032",
            name="Transvaalkwartier-Noord",
            district=transvaal,
            lat=52.0660,
            lon=4.2890,
        ),
        duindorp=NeighbourhoodFactory(
            code="BU05180800", name="Duindorp", district=duindorp_wk, lat=52.0920, lon=4.2620
        ),
        delft_centrum=NeighbourhoodFactory(
            code="BU05031104", name="Centrum", district=binnenstad, lat=52.0116, lon=4.3571
        ),
        stadscentrum_zm=NeighbourhoodFactory(
            code="BU06370002", name="Stadscentrum", district=centrum_zm, lat=52.0600, lon=4.4930
        ),
    )
    ns.pc_2525 = PostcodeAreaFactory(code="2525", nearest_neighbourhood=ns.schilders_west)
    ns.pc_2572 = PostcodeAreaFactory(code="2572", nearest_neighbourhood=ns.transvaal_noord)
    # The gazetteer index is built once per process: rebuild it from these rows.
    geo_index.invalidate()
    yield ns
    geo_index.invalidate()


@pytest.fixture
def care_org():
    return OrganisationFactory(name="Jeugdteam Den Haag Centrum", kind=OrganisationKind.CARE)


@pytest.fixture
def coordinator(care_org):
    return MembershipFactory(organisation=care_org, role=Role.COORDINATOR).user
