"""What kind of place a name is, by ISO 3166 (pycountry): a country, a first-level region (a US
state, a Canadian province), or neither (a city, a town, a name it does not know).

Used to check that a place answers the kind of place asked for: "which country" is not answered by
"North Carolina", "which city" not by "Maryland". A name pycountry does not know is "unknown", and
is never rejected for it (it knows "France" but not "Britain").
"""

from __future__ import annotations

from functools import cache
from typing import Literal

PlaceKind = Literal["country", "region", "unknown"]
# ISO 3166-2 subdivision types that are regions of a country, not cities in it.
_REGION_TYPES = ("state", "province", "region", "territory", "governorate", "oblast", "prefecture", "emirate")


@cache
def _regions() -> frozenset[str]:
    import pycountry

    return frozenset(
        s.name.lower() for s in pycountry.subdivisions if any(word in s.type.lower() for word in _REGION_TYPES)
    )


@cache
def place_kind(name: str) -> PlaceKind:
    import pycountry

    cleaned = name.strip().removeprefix("the ").removeprefix("The ")
    for form in dict.fromkeys((cleaned, cleaned.replace(".", ""))):  # "U.S." is the code "US"
        try:
            pycountry.countries.lookup(form)
            return "country"
        except LookupError:
            pass
    return "region" if cleaned.lower() in _regions() else "unknown"


def fits_place_kind(name: str, wanted: str | None) -> bool:
    """Can ``name`` be the kind of place asked for (``country`` / ``city`` / ``region``; None: any)?"""
    if wanted is None:
        return True
    kind = place_kind(name)
    if wanted == "country":
        return kind != "region"
    if wanted == "city":
        return kind == "unknown"
    if wanted == "region":
        return kind != "country"
    return True
