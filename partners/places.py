"""Neighbourhoods served, chosen by CBS code or by name ("Schilderswijk-West",
"Centrum, Delft"). A district name stands for all of its neighbourhoods."""

from django.utils.translation import gettext as _

from geo.models import District, Neighbourhood
from geo.text import fold
from marketplace.errors import DomainError


def _split(token: str) -> tuple[str, str]:
    name, _sep, municipality = token.partition(",")
    return fold(name), fold(municipality)


def _in_municipality(qs, municipality: str):
    if not municipality:
        return qs
    return qs.filter(municipality__search_name=municipality)


def resolve_neighbourhoods(tokens, *, field: str) -> list[Neighbourhood]:
    """Resolve each token; raise a DomainError on `field` naming what was not understood."""
    found: dict[int, Neighbourhood] = {}
    for raw in tokens:
        if isinstance(raw, Neighbourhood):
            found[raw.pk] = raw
            continue
        token = str(raw).strip()
        if not token:
            continue
        if token.upper().startswith("BU"):
            match = list(Neighbourhood.objects.filter(code=token.upper()))
        else:
            name, municipality = _split(token)
            match = list(
                _in_municipality(
                    Neighbourhood.objects.filter(search_name=name), municipality
                ).select_related("municipality")
            )
            if not match:
                districts = _in_municipality(
                    District.objects.filter(search_name=name), municipality
                )
                match = list(Neighbourhood.objects.filter(district__in=districts))
            elif len({n.municipality_id for n in match}) > 1:
                options = "; ".join(sorted(f"{n.name}, {n.municipality.name}" for n in match))
                raise DomainError(
                    _(
                        "“%(token)s” exists in several municipalities; add the municipality, "
                        "e.g. %(options)s."
                    )
                    % {"token": token, "options": options},
                    field=field,
                )
        if not match:
            raise DomainError(
                _("We do not know the neighbourhood “%(token)s”. Use its name or CBS code (BU…).")
                % {"token": token},
                field=field,
            )
        found.update({n.pk: n for n in match})
    return list(found.values())
