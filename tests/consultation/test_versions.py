"""A new version of the draft: each comment follows its article (renumbered, changed) or is flagged, never
dropped; the public sees a per-article diff."""

from __future__ import annotations

from consultation.models import AnchorStatus, Comment
from tests.consultation.conftest import DRAFT, articles_of, consultation

# Version 2: a new article 2 is inserted (old 2 → 3, old 3 → 4), the support amounts change, article 4 (entry
# into force) is rewritten beyond recognition, and clause 1 of the old article 3 is gone.
DRAFT_V2 = """# Nghị quyết quy định mức hỗ trợ cải tạo nhà ở cũ trên địa bàn tỉnh

## Chương I. QUY ĐỊNH CHUNG

### Điều 1. Phạm vi điều chỉnh
Nghị quyết này quy định mức hỗ trợ cải tạo nhà ở cũ.

### Điều 2. Giải thích từ ngữ
Nhà ở cũ là nhà ở đã sử dụng trên 30 năm theo hồ sơ cấp phép xây dựng.

### Điều 3. Đối tượng áp dụng
1. Hộ gia đình có nhà ở xây dựng trước năm 1995.
2. Cơ quan, tổ chức có liên quan.
3. Ưu tiên hộ gia đình chính sách, người cao tuổi sống một mình.

## Chương II. MỨC HỖ TRỢ

### Điều 4. Mức hỗ trợ
1. Hỗ trợ 60 triệu đồng mỗi hộ để gia cố móng và tường:
a) nhà cấp bốn;
b) nhà bán kiên cố.

### Điều 5. Tổ chức thực hiện
Giao Ủy ban nhân dân tỉnh tổ chức thực hiện và báo cáo Hội đồng nhân dân tại các kỳ họp thường lệ.
"""


def test_comments_follow_their_articles_into_a_new_version(open_docket, client_for, public, post_comment, clock):
    docket_id = open_docket()
    v1 = articles_of(public, docket_id)
    on_article_2 = post_comment(docket_id, article_id=v1["2"]["id"], text="Cần nêu rõ hộ gia đình chính sách.")
    on_roof = post_comment(
        docket_id, article_id=v1["3"]["id"], clause_id=v1["3"]["clauses"][0]["id"], text="Mức 30 triệu là thấp."
    )
    on_walls = post_comment(
        docket_id, article_id=v1["3"]["id"], clause_id=v1["3"]["clauses"][1]["id"], text="Tăng mức gia cố móng."
    )
    on_entry = post_comment(docket_id, article_id=v1["4"]["id"], text="Hiệu lực từ 1/7 là quá gấp.")
    whole = post_comment(docket_id, text="Dự thảo cần thêm quy trình xét duyệt hồ sơ.")

    response = client_for("erin").post(
        f"/api/v1/dockets/{docket_id}/documents", {"draft_text": DRAFT_V2, "note": "Tiếp thu góp ý"}, format="json"
    )
    assert response.status_code == 201, response.json()

    def comment(receipt):
        return Comment.objects.select_related("article", "clause").get(
            consultation__reference=docket_id, number=int(receipt["comment_id"].rsplit("-", 1)[1])
        )

    moved = comment(on_article_2)
    assert (moved.article.number, moved.anchor_status) == ("3", AnchorStatus.MOVED)
    assert "nay là Điều 3 (phiên bản 2)" in moved.anchor_note
    walls = comment(on_walls)
    assert (walls.article.number, walls.clause.number) == ("4", "1")
    gone_clause = comment(on_roof)
    assert gone_clause.article.number == "4" and gone_clause.clause is None
    assert gone_clause.anchor_status == AnchorStatus.UNMATCHED and gone_clause.needs_review
    gone_article = comment(on_entry)
    assert gone_article.article is None and gone_article.anchor_status == AnchorStatus.UNMATCHED
    assert "Điều 4 không còn điều tương ứng trong phiên bản 2" in gone_article.anchor_note
    assert comment(whole).article is None and comment(whole).anchor_status == AnchorStatus.ORIGINAL
    assert consultation(docket_id).comments.count() == 5  # nothing dropped

    v2 = articles_of(public, docket_id, version=2)
    assert v2["3"]["comment_count"] == 1 and v2["4"]["comment_count"] == 2 and v2["2"]["comment_count"] == 0
    listed = public.get("/api/v1/comments", {"docket": docket_id, "article": "4"}).json()
    assert {c["text"] for c in listed["results"]} == {"Mức 30 triệu là thấp.", "Tăng mức gia cố móng."}


def test_the_public_sees_what_changed_in_each_article(open_docket, client_for, public, clock):
    docket_id = open_docket()
    client_for("erin").post(f"/api/v1/dockets/{docket_id}/documents", {"draft_text": DRAFT_V2}, format="json")

    diff = public.get(f"/api/v1/documents/{docket_id}-v2/diff").json()
    rows = {(row["number"], row["previous_number"]): row for row in diff["articles"]}
    assert rows[("1", "1")]["change"] == "same"
    assert rows[("2", None)]["change"] == "new"
    assert rows[("3", "2")]["change"] == "moved"
    assert "<ins>3. Ưu tiên hộ gia đình chính sách," in rows[("3", "2")]["html"]
    assert rows[("4", "3")]["change"] == "moved"
    assert "<del>30 triệu" in rows[("4", "3")]["html"] or "<del>1. Hỗ trợ 30" in rows[("4", "3")]["html"]
    assert rows[(None, "4")]["change"] == "removed"

    page = public.get(f"/consultations/{docket_id}/diff/?version=2")
    assert page.status_code == 200 and "Trước là Điều 2" in page.content.decode()


def test_a_version_identical_to_the_last_keeps_every_comment_in_place(
    open_docket, client_for, public, post_comment, clock
):
    docket_id = open_docket()
    v1 = articles_of(public, docket_id)
    post_comment(docket_id, article_id=v1["3"]["id"], clause_id=v1["3"]["clauses"][1]["id"])
    client_for("erin").post(f"/api/v1/dockets/{docket_id}/documents", {"draft_text": DRAFT}, format="json")

    comment = Comment.objects.get()
    assert comment.anchor_status == AnchorStatus.SAME
    assert comment.article is not None and comment.clause is not None
    assert (comment.article.version.number, comment.article.number, comment.clause.number) == (2, "3", "2")
