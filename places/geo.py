"""Where a place is: a unit's representative point, its province's bounds, and the check of a petition's point.

A commune's point (`Unit.latitude/longitude`) comes from `manage.py load_places` (the shipped file for the demo
province, or a CSV an administrator gives); a commune without one falls back to its province's point. The bounds of
a province are those of its communes' points widened by `BOUNDS_MARGIN_DEGREES` (≈ 17 km): no boundary polygons
ship with the data package, so the check is a box, generous on purpose — it refuses a point in another province or
a typing error, not a point a few hundred metres over a commune line. A petition's point must also lie within
`PLACES_MAX_DISTANCE_KM` (25 km by default: the largest mountain communes after 2025 are ~30 km across) of its
commune's point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from organisation.models import Unit

BOUNDS_MARGIN_DEGREES = 0.15
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Bounds:
    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    def as_list(self) -> list[list[float]]:
        return [[self.south, self.west], [self.north, self.east]]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def province_of(unit: Unit) -> Unit | None:
    """The unit at the top of `unit`'s hierarchy (the province)."""
    ancestors = unit.ancestors_and_self()
    if not ancestors:
        return None
    return unit if ancestors[0] == unit.pk else Unit.objects.filter(pk=ancestors[0]).first()


def point_of(unit: Unit) -> tuple[float, float] | None:
    """The unit's representative point, else its province's."""
    if unit.latitude is not None and unit.longitude is not None:
        return float(unit.latitude), float(unit.longitude)
    province = province_of(unit)
    if province is not None and province.latitude is not None and province.longitude is not None:
        return float(province.latitude), float(province.longitude)
    return None


def bounds_of(province: Unit) -> Bounds | None:
    """The box around the points of the province's communes (and its own point), widened by the margin."""
    box = Unit.objects.filter(
        path__startswith=province.path, latitude__isnull=False, longitude__isnull=False
    ).aggregate(south=Min("latitude"), north=Max("latitude"), west=Min("longitude"), east=Max("longitude"))
    if box["south"] is None:
        return None
    m = BOUNDS_MARGIN_DEGREES
    return Bounds(
        south=float(box["south"]) - m,
        west=float(box["west"]) - m,
        north=float(box["north"]) + m,
        east=float(box["east"]) + m,
    )


def location_errors(
    commune: Unit, latitude: Decimal | float | None, longitude: Decimal | float | None
) -> dict[str, str]:
    """Errors by field of a petition's point in `commune` (empty: acceptable). No point at all is acceptable; half
    of one is not."""
    if latitude is None and longitude is None:
        return {}
    if latitude is None or longitude is None:
        field = "latitude" if latitude is None else "longitude"
        return {field: _("Cần cả vĩ độ và kinh độ của vị trí, hoặc bỏ trống cả hai.")}
    lat, lon = float(latitude), float(longitude)
    province = province_of(commune)
    bounds = bounds_of(province) if province is not None else None
    if bounds is not None and not bounds.contains(lat, lon):
        return {
            "latitude": _("Vị trí (%(lat).5f, %(lon).5f) nằm ngoài địa bàn tỉnh; hãy chọn lại trên bản đồ.")
            % {"lat": lat, "lon": lon}
        }
    if commune.latitude is not None and commune.longitude is not None:
        far = distance_km(lat, lon, float(commune.latitude), float(commune.longitude))
        limit = settings.PLACES_MAX_DISTANCE_KM
        if far > limit:
            return {
                "latitude": _(
                    "Vị trí cách %(commune)s khoảng %(km).0f km (tối đa %(limit).0f km): hãy chọn lại vị trí hoặc xã/phường."
                )
                % {"commune": commune.name, "km": far, "limit": limit}
            }
    return {}
