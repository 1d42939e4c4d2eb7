"""Reads of the public map, the leaders' map, the feeds and the open data.

Public surfaces read only what is already public: the petitions the search projection publishes
(`public_petitions`: published, with the petitioner's consent, never a denunciation), their texts through
`Petition.public_text` (redacted), their coordinates rounded to `OPEN311_COORDINATE_DECIMALS` (none at -1: the
commune's point instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import PUBLIC_TYPES, Petition, PetitionStatus, PetitionType
from cases.search_projections import NEVER_PUBLISHED_TYPES, public_petitions
from organisation.models import Unit
from places import geo
from topics.models import Topic

POINTS_FROM_ZOOM = 12  # from this zoom on (a few km across) the map shows petitions; below, counts per commune


def public_type_choices() -> list[tuple[str, str]]:
    return [
        (v, str(label)) for v, label in PetitionType.choices if v in PUBLIC_TYPES and v not in NEVER_PUBLISHED_TYPES
    ]


def rounded(value: Any) -> float | None:
    decimals = settings.OPEN311_COORDINATE_DECIMALS
    if value is None or decimals < 0:
        return None
    return round(float(value), decimals)


class FilterError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class MapFilters:
    petition_type: str = ""
    status: str = ""
    topic: str = ""
    bbox: tuple[float, float, float, float] | None = None  # south, west, north, east
    zoom: int = 0

    def apply(self, petitions: QuerySet[Petition]) -> QuerySet[Petition]:
        if self.petition_type:
            petitions = petitions.filter(petition_type=self.petition_type)
        if self.status:
            petitions = petitions.filter(status=self.status)
        if self.topic:
            petitions = petitions.filter(topic__code=self.topic)
        return petitions


def parse_filters(params: Any) -> MapFilters:
    """The map's filters from a query string; unknown values are errors by field."""
    errors: dict[str, str] = {}
    petition_type = params.get("type", "").strip()
    if petition_type and petition_type not in dict(public_type_choices()):
        errors["type"] = _("Loại đơn không hợp lệ: %(value)s") % {"value": petition_type}
    status = params.get("status", "").strip()
    if status and status not in PetitionStatus.values:
        errors["status"] = _("Tình trạng không hợp lệ: %(value)s") % {"value": status}
    topic = params.get("topic", "").strip()
    if topic and not Topic.objects.filter(code=topic).exists():
        errors["topic"] = _("Lĩnh vực không tồn tại: %(value)s") % {"value": topic}
    bbox = None
    if params.get("bbox"):
        try:
            south, west, north, east = (float(part) for part in params["bbox"].split(","))
        except ValueError:
            errors["bbox"] = _("bbox phải là bốn số: nam,tây,bắc,đông")
        else:
            if not (-90 <= south <= north <= 90 and -180 <= west <= east <= 180):
                errors["bbox"] = _("bbox phải là bốn số: nam,tây,bắc,đông")
            bbox = (south, west, north, east)
    zoom = 0
    if params.get("zoom"):
        try:
            zoom = int(params["zoom"])
        except ValueError:
            errors["zoom"] = _("zoom phải là số nguyên")
    if errors:
        raise FilterError(errors)
    return MapFilters(petition_type=petition_type, status=status, topic=topic, bbox=bbox, zoom=zoom)


def commune_counts(petitions: QuerySet[Petition]) -> list[dict[str, Any]]:
    """Per commune: its code, name, point and how many of `petitions`, in one query: the petitions are counted per
    commune id first (an index-only scan of `petition_public_commune` for the public map), then joined to their
    communes."""
    grouped = petitions.order_by().values("commune_id").annotate(n=Count("*"))
    sql, params = grouped.query.sql_with_params()
    unit_table = connection.ops.quote_name(Unit._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT u.code, u.name, u.latitude, u.longitude, c.n FROM ({sql}) c "  # noqa: S608 - Django's own SQL
            f"JOIN {unit_table} u ON u.id = c.commune_id ORDER BY u.name",
            params,
        )
        rows = cursor.fetchall()
    return [
        {
            "code": code,
            "name": name,
            "lat": None if lat is None else float(lat),
            "lon": None if lon is None else float(lon),
            "count": count,
        }
        for code, name, lat, lon, count in rows
    ]


COMMUNES_CACHE_KEY = "places:communes:v1"
COMMUNES_CACHE_SECONDS = 300


def commune_index() -> dict[int, dict[str, Any]]:
    """Every commune by id: code, name and point (the province's when it has none), kept 5 minutes in the cache
    (`load_places` clears it): the maps read it on every request."""
    cached = cache.get(COMMUNES_CACHE_KEY)
    if cached is not None:
        return cast(dict[int, dict[str, Any]], cached)
    index = {}
    for unit in Unit.objects.filter(is_commune=True).order_by("name"):
        point = geo.point_of(unit)
        index[unit.pk] = {
            "code": unit.code,
            "name": unit.name,
            "lat": point[0] if point else None,
            "lon": point[1] if point else None,
            "own_point": unit.latitude is not None,
        }
    cache.set(COMMUNES_CACHE_KEY, index, COMMUNES_CACHE_SECONDS)
    return index


def map_data(filters: MapFilters) -> dict[str, Any]:
    """The public map's data: counts per commune when zoomed out (or without a box); when zoomed in, at most
    MAP_MAX_POINTS petitions in the box, newest published first, each linking to its public page. One query for the
    counts; two indexed ones for the points (their ids, then their rows); the communes come from `commune_index`."""
    petitions = filters.apply(public_petitions())
    if filters.bbox is None or filters.zoom < POINTS_FROM_ZOOM:
        counts = commune_counts(petitions)
        search, feed = reverse("search:page"), reverse("places:feed-commune", args=["CODE", "atom"])
        for commune in counts:  # one reverse() per kind of link, not per commune (it is the slow part here)
            commune["url"] = f"{search}?commune={commune['code']}"
            commune["feed"] = feed.replace("CODE", commune["code"])
        return {"mode": "communes", "communes": counts, "total": sum(c["count"] for c in counts)}
    south, west, north, east = filters.bbox
    communes = commune_index()
    in_box = [
        pk
        for pk, c in communes.items()
        if c["lat"] is not None and south <= c["lat"] <= north and west <= c["lon"] <= east
    ]
    own_point = settings.OPEN311_COORDINATE_DECIMALS >= 0
    limit = settings.MAP_MAX_POINTS
    rows = list(
        petitions.filter(pk__in=_newest_in_box(petitions, in_box, filters.bbox if own_point else None, limit + 1))
        .only(
            "tracking_code",
            "title",
            "petition_type",
            "status",
            "commune_id",
            "latitude",
            "longitude",
            "petitioner_name",  # read only to be redacted from the title (`Petition.public_text`)
            "petitioner_phone",
            "petitioner_email",
        )
        .order_by("-published_at", "-pk")
    )
    types, statuses = dict(PetitionType.choices), dict(PetitionStatus.choices)
    track = reverse("cases:track", args=["CODE"])
    points = []
    for petition in rows[:limit]:
        commune = communes.get(petition.commune_id, {})
        lat, lon = (rounded(petition.latitude), rounded(petition.longitude)) if own_point else (None, None)
        approximate = lat is None or lon is None
        if approximate:
            lat, lon = commune.get("lat"), commune.get("lon")
        points.append(
            {
                "code": petition.tracking_code,
                "title": petition.public_text(petition.title),
                "type": petition.petition_type,
                "type_label": str(types.get(petition.petition_type, "")),
                "status": petition.status,
                "status_label": str(statuses.get(petition.status, "")),
                "commune": commune.get("name", ""),
                "lat": lat,
                "lon": lon,
                "approximate": approximate,
                "url": track.replace("CODE", petition.tracking_code),
            }
        )
    return {"mode": "points", "points": points, "truncated": len(rows) > limit}


def _newest_in_box(
    petitions: QuerySet[Petition], communes: list[int], bbox: tuple[float, float, float, float] | None, limit: int
) -> list[int]:
    """The ids of the `limit` newest `petitions` located in the box: those with their own point in it (`bbox`; read
    from `petition_public_point` alone), and those without a point whose commune's point is in it (`communes`;
    `petition_public_unplaced`), each branch sorted and cut before they are merged. `bbox` None: by commune only
    (coordinates are not published)."""
    branches = []
    by_commune = petitions.filter(commune_id__in=communes)
    if bbox is not None:
        south, west, north, east = bbox
        by_commune = by_commune.filter(latitude__isnull=True)
        in_box = petitions.filter(latitude__range=(south, north), longitude__range=(west, east))
        branches.append(in_box)
    branches.append(by_commune)
    parts: list[str] = []
    params: list[Any] = []
    for number, branch in enumerate(branches):
        sql, branch_params = (
            branch.order_by("-published_at").values("pk", "published_at")[:limit].query.sql_with_params()
        )
        parts.append(f"SELECT * FROM ({sql}) b{number}")  # noqa: S608 - Django's own SQL
        params.extend(branch_params)
    union = " UNION ALL ".join(parts)
    sql = f"SELECT pk FROM ({union}) t ORDER BY published_at DESC LIMIT {int(limit)}"  # noqa: S608 - Django's SQL
    # Read apart, not as a subquery of the rows' query: PostgreSQL would run it again for every candidate row.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def province_frame() -> dict[str, Any]:
    """Where the maps open: the bounds of the first province that has points."""
    province = Unit.objects.filter(parent__isnull=True, latitude__isnull=False).order_by("pk").first()
    bounds = geo.bounds_of(province) if province else None
    return {
        "bounds": bounds.as_list() if bounds else None,
        "center": [float(province.latitude), float(province.longitude)] if province else None,  # type: ignore[arg-type]
    }


def commune_points() -> list[dict[str, Any]]:
    """Every commune's code, name and point (the maps' dots and the picker's search)."""
    return [
        {"code": code, "name": name, "lat": float(lat), "lon": float(lon)}
        for code, name, lat, lon in Unit.objects.filter(
            is_commune=True, latitude__isnull=False, longitude__isnull=False
        )
        .order_by("name")
        .values_list("code", "name", "latitude", "longitude")
        if lat is not None and lon is not None
    ]


def map_config(**extra: Any) -> dict[str, Any]:
    """What a map needs to open: the tile server (none: a plain background) and the province's frame."""
    return {"tileUrl": settings.MAP_TILE_URL, "attribution": settings.MAP_ATTRIBUTION, **province_frame(), **extra}
