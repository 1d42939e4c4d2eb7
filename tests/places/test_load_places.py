"""`manage.py load_places`: the real communes of a province after 1 July 2025, idempotent, keeping existing units."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from organisation.models import Membership, Role, Unit
from tests.conftest import make_official


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_places", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_loads_quang_tri_after_the_2025_merger_with_real_names_codes_and_points():
    output = load("44")

    province = Unit.objects.get(admin_code="44")
    assert province.code == "quang-tri" and province.name == "UBND tỉnh Quảng Trị" and province.parent is None
    communes = Unit.objects.filter(parent=province, is_commune=True)
    assert communes.count() == 78  # the 2025 province: former Quảng Bình and Quảng Trị
    dong_ha = communes.get(admin_code="19333")
    assert (dong_ha.code, dong_ha.name, dong_ha.kind) == ("phuong-dong-ha", "Phường Đông Hà", "phường")
    dong_hoi = communes.get(admin_code="18880")
    assert dong_hoi.name == "Phường Đồng Hới"  # Quảng Bình's former capital is in Quảng Trị since 2025
    con_co = communes.get(admin_code="19742")
    assert (con_co.name, con_co.kind) == ("Đặc khu Cồn Cỏ", "đặc khu")
    assert communes.filter(kind="xã").count() > 60
    assert not communes.filter(latitude__isnull=True).exists()  # the shipped points file covers every unit
    assert dong_ha.latitude is not None and dong_ha.longitude is not None
    assert 16.8 < float(dong_ha.latitude) < 16.85 and 107.0 < float(dong_ha.longitude) < 107.2
    assert "79 created, 0 updated" in output  # the province and its 78 units


@pytest.mark.django_db
def test_it_is_idempotent_and_keeps_existing_units_their_codes_roles_and_names_by_name():
    province = Unit.objects.create(code="quang-tri", name="UBND tỉnh Quảng Trị", kind="tỉnh")
    old = Unit.objects.create(code="dongha", name="Phường Đông Hà", kind="phường", parent=province, is_commune=True)
    department = Unit.objects.create(code="so-xay-dung", name="Sở Xây dựng", kind="sở", parent=province)
    official = make_official("lan", old, Role.RECEPTION_OFFICER)

    load("Quảng Trị")
    first = {u.pk: (u.code, u.name, u.admin_code, u.latitude) for u in Unit.objects.all()}
    output = load("quang-tri")

    assert "0 created, 0 updated, 79 unchanged" in output
    assert {u.pk: (u.code, u.name, u.admin_code, u.latitude) for u in Unit.objects.all()} == first
    old.refresh_from_db()
    assert (old.code, old.admin_code) == ("dongha", "19333")  # matched by name, its code kept
    assert Unit.objects.filter(name="Phường Đông Hà").count() == 1
    assert Membership.objects.get(user__pk=official.pk).unit == old
    department.refresh_from_db()
    assert department.admin_code == "" and department.parent == province


@pytest.mark.django_db
def test_it_takes_points_for_another_province_from_a_csv_and_leaves_the_others_on_the_province(tmp_path):
    points = tmp_path / "hue.csv"
    points.write_text("admin_code,latitude,longitude\n46,16.4637,107.5909\n", encoding="utf-8")
    from vietnam_provinces import ProvinceCode, Ward

    ward = next(iter(Ward.iter_by_province(ProvinceCode(46))))
    points.write_text(points.read_text() + f"{int(ward.code)},16.47,107.58\n", encoding="utf-8")

    output = load("46", "--points", str(points))

    province = Unit.objects.get(admin_code="46")
    assert province.name == "UBND Thành phố Huế" and province.latitude is not None
    assert float(province.latitude) == pytest.approx(16.4637)
    placed = Unit.objects.get(admin_code=str(int(ward.code)))
    assert placed.latitude is not None and float(placed.latitude) == pytest.approx(16.47)
    assert "without a point" in output
    from places.geo import point_of

    other = Unit.objects.filter(parent=province, latitude__isnull=True).first()
    assert other is not None
    assert point_of(other) == (pytest.approx(16.4637), pytest.approx(107.5909))


@pytest.mark.django_db
def test_an_unknown_province_or_a_bad_points_file_changes_nothing(tmp_path):
    with pytest.raises(CommandError, match="No province has the code 99"):
        load("99")
    with pytest.raises(CommandError, match="No province is named"):
        load("Atlantis")
    bad = tmp_path / "bad.csv"
    bad.write_text("admin_code,latitude,longitude\n19333,north,east\n", encoding="utf-8")
    with pytest.raises(CommandError, match="must be numbers"):
        load("44", "--points", str(bad))
    assert not Unit.objects.exists()
