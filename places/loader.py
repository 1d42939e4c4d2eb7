"""The administrative units of a province after the reorganisation of 1 July 2025, from the `vietnam-provinces`
data package (34 provinces; communes, wards and special zones under each), loaded into `organisation.Unit`.

Idempotent: a unit is matched by its official code (`Unit.admin_code`), then by its code (the package's codename
with hyphens: `phuong-dong-ha`), then by its name under the province; a matched unit keeps its code, parent, roles
and petitions, and gets the official name, kind and code. Units the package does not know (departments, agencies)
are left as they are.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.cache import cache
from django.db import transaction
from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType, Ward

from organisation.models import Unit

DATA_DIR = Path(__file__).resolve().parent / "data"


class PlacesError(ValueError):
    pass


def fold(text: str) -> str:
    """Lower case without diacritics («Quảng Trị» → «quang tri»)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return " ".join(text.replace("_", " ").replace("-", " ").casefold().split())


def find_province(wanted: str) -> Province:
    """A province by its official code («44») or name («Quảng Trị», «quang-tri», «Thành phố Huế»)."""
    wanted = wanted.strip()
    if wanted.isdigit():
        try:
            return Province.from_code(ProvinceCode(int(wanted)))
        except ValueError:
            raise PlacesError(f"No province has the code {wanted}.") from None
    key = fold(wanted).removeprefix("tinh ").removeprefix("thanh pho ")
    for province in Province.iter_all():
        if key in (fold(province.name), fold(province.codename), fold(province.name).removeprefix("thanh pho ")):
            return province
    raise PlacesError(f"No province is named «{wanted}» (give its code, e.g. 44, or its name, e.g. «Quảng Trị»).")


def read_points(path: Path) -> dict[str, tuple[Decimal, Decimal]]:
    """admin_code → (latitude, longitude) from a CSV with columns admin_code,latitude,longitude (lines starting
    with # are comments)."""
    points: dict[str, tuple[Decimal, Decimal]] = {}
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        missing = {"admin_code", "latitude", "longitude"} - set(rows.fieldnames or [])
        if missing:
            raise PlacesError(f"{path}: missing column(s) {', '.join(sorted(missing))}.")
        for number, row in enumerate(rows, start=2):
            try:
                lat, lon = Decimal(row["latitude"].strip()), Decimal(row["longitude"].strip())
            except (InvalidOperation, AttributeError):
                raise PlacesError(f"{path}, row {number}: latitude and longitude must be numbers.") from None
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise PlacesError(f"{path}, row {number}: ({lat}, {lon}) is not a point on Earth.")
            points[row["admin_code"].strip()] = (lat.quantize(Decimal("0.000001")), lon.quantize(Decimal("0.000001")))
    return points


def shipped_points(province: Province) -> Path | None:
    matches = sorted(DATA_DIR.glob(f"{int(province.code)}-*.csv"))
    return matches[0] if matches else None


@dataclass
class LoadResult:
    province: Unit
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    without_point: list[str] = field(default_factory=list)


def _slug(codename: str) -> str:
    return codename.replace("_", "-")


def _match(candidates: list[Unit], *, admin_code: str, code: str, name: str) -> Unit | None:
    for unit in candidates:
        if unit.admin_code == admin_code:
            return unit
    for unit in candidates:
        if unit.code == code:
            return unit
    for unit in candidates:
        if fold(unit.name) == fold(name):
            return unit
    return None


def _apply(unit: Unit, values: dict[str, object]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(unit, name) != value:
            setattr(unit, name, value)
            changed = True
    return changed


@transaction.atomic
def load_province(wanted: str, *, points_file: Path | None = None) -> LoadResult:
    """Create or update the province and its communes, wards and special zones (see the module's docstring)."""
    province = find_province(wanted)
    path = points_file or shipped_points(province)
    points = read_points(path) if path else {}
    province_code = str(int(province.code))
    existing = list(Unit.objects.filter(parent__isnull=True))
    unit = _match(existing, admin_code=province_code, code=_slug(province.codename), name=f"UBND {province.name}")
    if unit is None:
        unit = _match(existing, admin_code=province_code, code="", name=f"UBND tỉnh {province.name}")
    point = points.get(province_code)
    values: dict[str, object] = {"admin_code": province_code}
    if point:
        values.update(latitude=point[0], longitude=point[1])
    if unit is None:
        label = (
            province.name
            if province.division_type == VietNamDivisionType.THANH_PHO_TRUNG_UONG
            else f"tỉnh {province.name}"
        )
        unit = Unit(code=_slug(province.codename), name=f"UBND {label}", kind=province.division_type.value, **values)
        unit.save()
        result = LoadResult(province=unit, created=[unit.code])
    else:
        result = LoadResult(province=unit)
        if _apply(unit, values):
            unit.save()
            result.updated.append(unit.code)
        else:
            result.unchanged += 1
    below = list(Unit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk))
    # A unit loaded before under another parent (or none) is still matched by its official code.
    elsewhere = {u.admin_code: u for u in Unit.objects.exclude(admin_code="").exclude(path__startswith=unit.path)}
    taken = set(Unit.objects.values_list("code", flat=True))
    for ward in sorted(Ward.iter_by_province(province.code), key=lambda w: int(w.code)):
        admin_code = str(int(ward.code))
        values = {
            "name": ward.name,
            "kind": ward.division_type.value,
            "is_commune": True,
            "admin_code": admin_code,
        }
        point = points.get(admin_code)
        if point:
            values.update(latitude=point[0], longitude=point[1])
        match = _match(below, admin_code=admin_code, code=_slug(ward.codename), name=ward.name) or elsewhere.get(
            admin_code
        )
        if match is None:
            code = _slug(ward.codename)
            if code in taken:
                code = f"{code}-{admin_code}"
            taken.add(code)
            match = Unit(code=code, parent=unit, **values)
            match.save()
            result.created.append(code)
        elif _apply(match, values) or match.parent_id is None:
            if match.parent_id is None:
                match.parent = unit
            match.save()
            result.updated.append(match.code)
        else:
            result.unchanged += 1
        if match.latitude is None:
            result.without_point.append(match.code)
    transaction.on_commit(lambda: cache.delete("places:communes:v1"))  # the maps' commune index (selectors)
    return result
