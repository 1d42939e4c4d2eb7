"""Leaders read ratings only aggregated (averages, distributions per unit, desk, petition type and month) and
their comments redacted, for the units they lead; the same in the CSV and XLSX downloads."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from ratings import services
from ratings.models import Desk
from tests.conftest import PASSWORD
from tests.ratings.conftest import RATING, VISIT

pytestmark = pytest.mark.django_db

NAME, PHONE, EMAIL = "Nguyễn Văn An", "0912 345 678", "an.nguyen@example.vn"
CANARY = f"Tôi là {NAME}, gọi {PHONE} hoặc {EMAIL}. CCCD 038091001234. Cảm ơn anh Trần Quốc Bảo."
LEAKS = (NAME, PHONE, "0912345678", EMAIL, "038091001234", "Trần Quốc Bảo")


def logged_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def rated(org, answered, desk):
    """Ratings in Đông Hà (an answer with the canary comment, a desk visit) and in Gio Linh (an answer)."""
    dong_ha = answered()
    services.rate_answer(petition=dong_ha["petition"], data={**RATING, "score": "2", "comment": CANARY})
    gio_linh = answered(commune="gio-linh", petitioner_name="Lê Thị Hoa")
    gio_linh["petition"].workflow.unit = org.gio_linh
    gio_linh["petition"].workflow.save()
    gio_linh["petition"].answered_by = org.gio_linh
    gio_linh["petition"].save()
    services.rate_answer(petition=gio_linh["petition"], data={**RATING, "score": "5", "comment": "Rất tốt ở Gio Linh."})
    token = services.current_token(desk)
    services.rate_desk(desk=desk, data={**VISIT, "token": token.token, "comment": f"Chị {NAME} ở quầy, {PHONE}"})
    return {"dong_ha": dong_ha, "gio_linh": gio_linh}


def test_a_leader_sees_the_averages_and_distributions_of_their_units_only(rated):
    page = logged_in("carol").get("/leaders/ratings/")  # Đông Hà's leader
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'id="answer-average">2(,0)?<', html)
    assert "Rất tốt ở Gio Linh" not in html and "Xã Gio Linh" not in html
    data = re.search(r'<script id="ratings-chart-data" type="application/json">(.*?)</script>', html)
    assert data is not None
    chart = json.loads(data.group(1))
    assert chart["answer_distribution"] == [0, 1, 0, 0, 0] and chart["desk_distribution"] == [0, 0, 0, 0, 1]
    assert 'id="visits-by-desk"' in html and "Quầy số 1" in html

    # the province's leader sees both communes
    province = logged_in("henry").get("/leaders/ratings/").content.decode()
    assert re.search(r'id="answer-average">3,5<', province) and "Rất tốt ở Gio Linh" in province

    # another unit's leader sees nothing of Đông Hà, and cannot ask for it
    frank = logged_in("frank")
    assert "Quầy số 1" not in frank.get("/leaders/ratings/").content.decode()
    refused = frank.get("/leaders/ratings/?unit=dong-ha")
    assert refused.status_code == 400 and "Không phải đơn vị bạn lãnh đạo." in refused.content.decode()
    assert frank.get(f"/leaders/ratings/?desk={Desk.objects.get().pk}").status_code == 400


def test_an_official_who_leads_no_unit_is_refused(rated):
    assert logged_in("alice").get("/leaders/ratings/").status_code == 403
    assert Client().get("/leaders/ratings/").status_code == 302


def test_filters_narrow_the_figures_by_unit_type_and_desk(rated):
    henry = logged_in("henry")
    html = henry.get("/leaders/ratings/?unit=gio-linh").content.decode()
    assert re.search(r'id="answer-average">5(,0)?<', html)
    html = henry.get("/leaders/ratings/?petition_type=complaint").content.decode()
    assert 'id="answer-average">—<' in html
    bad = henry.get("/leaders/ratings/?date_from=2026-12-01&date_to=2026-01-01")
    assert bad.status_code == 400


def test_the_leaders_page_links_to_the_ratings(rated):
    assert 'href="/leaders/ratings/"' in logged_in("carol").get("/leaders/").content.decode()


def test_pii_canary_never_reaches_the_leaders_page_nor_the_downloads(rated):
    carol = logged_in("carol")
    html = carol.get("/leaders/ratings/").content.decode()
    assert "[***]" in html and "Cảm ơn anh" in html  # the comment is there, redacted
    texts = [html]
    for fmt in ("csv", "xlsx"):
        for what in ("aggregates", "comments"):
            response = carol.get(f"/leaders/ratings/?export={fmt}&what={what}")
            assert response.status_code == 200
            if fmt == "csv":
                texts.append(response.content.decode("utf-8-sig"))
            else:
                sheet = load_workbook(io.BytesIO(response.content)).active
                texts.append(
                    "\n".join(" ".join(str(cell) for cell in row) for row in sheet.iter_rows(values_only=True))
                )
    comments_csv = texts[2]
    assert "Cảm ơn anh" in comments_csv and "quầy" in comments_csv
    for text in texts:
        for leak in LEAKS:
            assert leak not in text


def test_the_aggregates_download_has_every_grouping(rated):
    response = logged_in("henry").get("/leaders/ratings/?export=csv")
    rows = response.content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Loại đánh giá,Theo,Nhóm,Số đánh giá,Điểm trung bình")
    groupings = {tuple(row.split(",")[:2]) for row in rows[1:]}
    assert {
        ("Trả lời đơn", "Đơn vị"),
        ("Trả lời đơn", "Loại đơn"),
        ("Trả lời đơn", "Tháng"),
        ("Tiếp dân", "Bàn"),
    } <= groupings


def test_comments_are_paginated(org, answered, desk, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_submit": "100/hour"}}
    for n in range(23):
        case = answered()
        services.rate_answer(petition=case["petition"], data={**RATING, "comment": f"Ý kiến số {n}"})
    carol = logged_in("carol")
    first = carol.get("/leaders/ratings/").content.decode()
    assert first.count("Ý kiến số") == 20 and "answer_page=2" in first
    second = carol.get("/leaders/ratings/?answer_page=2").content.decode()
    assert second.count("Ý kiến số") == 3


def test_a_comment_written_as_a_formula_is_downloaded_as_text(org, answered):
    case = answered()
    services.rate_answer(petition=case["petition"], data={**RATING, "comment": '=HYPERLINK("http://x.test","bấm")'})
    carol = logged_in("carol")
    csv_text = carol.get("/leaders/ratings/?export=csv&what=comments").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    sheet = load_workbook(io.BytesIO(carol.get("/leaders/ratings/?export=xlsx&what=comments").content)).active
    assert [row[-1] for row in sheet.iter_rows(values_only=True)][1].startswith("'=HYPERLINK")
