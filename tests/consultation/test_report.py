"""The synthesis report: its PDF holds every Vietnamese comment exactly (diacritics, escaped markup), also when a
big report is rendered in chunks by worker processes and merged."""

from __future__ import annotations

import pytest

from consultation import report
from tests.consultation.conftest import articles_of, consultation
from tests.consultation.test_journey import pdf_text

TRICKY = [
    "Đề nghị bổ sung quy định về nhà ở của đồng bào dân tộc thiểu số ở huyện Hướng Hoá, Đakrông.",
    "Cần ưu tiên người khuyết tật, người cao tuổi; mức hỗ trợ nên tăng thêm 10% mỗi năm.",
    'Thay cụm từ "nhà ở cũ" bằng "nhà ở xuống cấp" <b>cho rõ</b> & thống nhất với Luật Nhà ở.',
    "Ỷ lại, ữa, ẵm, ỡ, ợ, ặ: những chữ có hai dấu phải hiện đúng trong báo cáo.",
]


@pytest.mark.parametrize("chunk", [report.CHUNK_COMMENTS, 2], ids=["one-document", "chunked"])
def test_the_pdf_holds_every_comment_exactly(open_docket, client_for, public, post_comment, clock, monkeypatch, chunk):
    monkeypatch.setattr(report, "CHUNK_COMMENTS", chunk)
    docket_id = open_docket()
    article = articles_of(public, docket_id)["3"]
    for n, text in enumerate(TRICKY):
        post_comment(
            docket_id, text=text, email=f"n{n}@example.vn", phone="", article_id=article["id"] if n % 2 else None
        )
    client_for("erin").post(
        f"/api/v1/dockets/{docket_id}/dispositions",
        {
            "numbers": [1, 2, 3, 4],
            "disposition": "partly_accepted",
            "explanation": "Tiếp thu một phần; chỉnh lý Điều 3.",
        },
        format="json",
    )

    data = report.build(consultation(docket_id))
    text = pdf_text(report.render_pdf(data))

    for comment in TRICKY:
        assert comment in text
    assert text.count("Tiếp thu một phần: Tiếp thu một phần; chỉnh lý Điều 3.") == 4
    assert "Nguyễn Thị Hoà" not in text
    if chunk == 2:
        assert "Điều 3. Mức hỗ trợ (tiếp theo)" not in text  # two comments on article 3 fit one chunk
        assert "Góp ý chung cho toàn bộ dự thảo (tiếp theo)" not in text


def test_chunks_cut_long_sections_and_keep_their_order(open_docket, public, post_comment, clock):
    docket_id = open_docket()
    for n in range(5):
        post_comment(docket_id, text=f"Góp ý chung số {n + 1} cho dự thảo.", email=f"c{n}@example.vn", phone="")
    data = report.build(consultation(docket_id))
    groups = report.chunks(data, size=2)
    assert [[s.label for s in group] for group in groups] == [
        ["Góp ý chung cho toàn bộ dự thảo"],
        ["Góp ý chung cho toàn bộ dự thảo (tiếp theo)"],
        ["Góp ý chung cho toàn bộ dự thảo (tiếp theo)"],
    ]
    assert [c.number for group in groups for s in group for c in s.comments] == [1, 2, 3, 4, 5]
