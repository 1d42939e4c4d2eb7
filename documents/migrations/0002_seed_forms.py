"""The first versions of the document forms. Legal staff add later versions in the admin (a used version is never
edited). Each form carries the decree whose form it follows; where the exact number of the annexed form is still
to be checked against the gazette, the note says so for legal staff."""

from django.db import migrations

C124 = "Nghị định 124/2020/NĐ-CP (khiếu nại)"
C124_2026 = "Nghị định 124/2020/NĐ-CP, được sửa đổi, bổ sung bởi Nghị định 155/2026/NĐ-CP (khiếu nại)"
C31 = "Nghị định 31/2019/NĐ-CP (tố cáo)"
C31_2026 = "Nghị định 31/2019/NĐ-CP, được sửa đổi, bổ sung bởi Nghị định 156/2026/NĐ-CP (tố cáo)"
C30 = "thể thức văn bản theo Nghị định 30/2020/NĐ-CP về công tác văn thư, Phụ lục I"
C154 = "Nghị định 154/2026/NĐ-CP (tiếp công dân, từ 01/07/2026)"
NOTE = "Pháp chế đối chiếu số hiệu mẫu trong phụ lục của nghị định với Công báo trước khi dùng."

GREETING = "Kính gửi: {{ xung_ho }}."
RECEIVED = (
    "Ngày {{ ngay_nhan }}, {{ don_vi }} nhận được đơn {{ loai_don }} (mã tra cứu {{ ma_don }}) về việc: {{ tieu_de }}."
)

FORMS = [
    (
        "acceptance",
        "TB",
        "THÔNG BÁO\nVề việc thụ lý giải quyết đơn",
        f"{GREETING}\n\n{RECEIVED}\n\n"
        "Sau khi xem xét, đơn đủ điều kiện thụ lý theo quy định của pháp luật. {{ don_vi }} thông báo đã thụ lý "
        "giải quyết {{ loai_don }}{% if loai_don == 'khiếu nại' %} {{ lan_giai_quyet }}{% endif %} của {{ xung_ho }}."
        "{% if han_xu_ly %}\n\nThời hạn giải quyết theo quy định: đến ngày {{ han_xu_ly }}.{% endif %}"
        "\n\nÔng/Bà theo dõi việc giải quyết bằng mã tra cứu {{ ma_don }} trên cổng thông tin.",
        [
            ("2020-12-10", f"Mẫu thông báo thụ lý, ban hành kèm theo {C124} và {C31}; {C30}"),
            ("2026-07-01", f"Mẫu thông báo thụ lý, ban hành kèm theo {C124_2026} và {C31_2026}; {C30}"),
        ],
    ),
    (
        "refusal",
        "TB",
        "THÔNG BÁO\nVề việc không thụ lý giải quyết đơn",
        f"{GREETING}\n\n{RECEIVED}\n\n"
        "Sau khi xem xét, {{ don_vi }} không thụ lý giải quyết {{ loai_don }} của {{ xung_ho }} vì lý do sau:\n\n"
        "{{ ly_do }}",
        [
            ("2020-12-10", f"Mẫu thông báo không thụ lý, ban hành kèm theo {C124} và {C31}; {C30}"),
            ("2026-07-01", f"Mẫu thông báo không thụ lý, ban hành kèm theo {C124_2026} và {C31_2026}; {C30}"),
        ],
    ),
    (
        "transfer",
        "PC",
        "PHIẾU CHUYỂN ĐƠN",
        "Kính gửi: {{ don_vi_nhan }}.\n\n{{ RECEIVED }}".replace("{{ RECEIVED }}", RECEIVED) + "\n\n"
        "Căn cứ quy định của pháp luật, nội dung đơn không thuộc thẩm quyền giải quyết của {{ don_vi }}. "
        "{{ don_vi }} chuyển đơn đến {{ don_vi_nhan }} để xem xét, giải quyết theo thẩm quyền."
        "{% if loai_don == 'tố cáo' %}\n\nĐề nghị giữ bí mật họ tên, địa chỉ, bút tích và thông tin cá nhân khác của người "
        "tố cáo theo quy định của Luật Tố cáo.{% endif %}"
        "\n\nNgười gửi đơn được thông báo việc chuyển đơn và theo dõi bằng mã tra cứu {{ ma_don }}.",
        [
            ("2020-12-10", f"Mẫu phiếu chuyển đơn, ban hành kèm theo {C124} và {C31}; {C30}"),
            ("2026-07-01", f"Mẫu phiếu chuyển đơn, ban hành kèm theo {C124_2026}, {C31_2026} và {C154}; {C30}"),
        ],
    ),
    (
        "dialogue",
        "GM",
        "GIẤY MỜI\nĐối thoại giải quyết khiếu nại",
        f"{GREETING}\n\n"
        "Để giải quyết khiếu nại {{ lan_giai_quyet }} (mã tra cứu {{ ma_don }}) về việc: {{ tieu_de }}, {{ don_vi }} "
        "trân trọng kính mời {{ xung_ho }} đến đối thoại.\n\nThời gian: {{ thoi_gian }}.\n\nĐịa điểm: {{ dia_diem }}."
        "{% if noi_dung %}\n\nNội dung đối thoại: {{ noi_dung }}{% endif %}"
        "\n\nKhi đến, đề nghị mang theo giấy tờ tùy thân và các tài liệu liên quan.",
        [
            ("2020-12-10", f"Mẫu giấy mời đối thoại, ban hành kèm theo {C124}; {C30}"),
            (
                "2026-07-01",
                f"Mẫu giấy mời đối thoại, ban hành kèm theo {C124_2026} (Điều 28: thông báo trước ít nhất 5 ngày); {C30}",
            ),
        ],
    ),
    (
        "suspension",
        "QĐ",
        "QUYẾT ĐỊNH\nVề việc tạm đình chỉ việc giải quyết khiếu nại",
        "Căn cứ Luật Khiếu nại năm 2011, Điều 11a (được bổ sung bởi Luật 136/2025/QH15);"
        "{% if can_cu %}\n\n{{ can_cu }};{% endif %}\n\nXét khiếu nại (mã tra cứu {{ ma_don }}) về việc: {{ tieu_de }},"
        "\n\nQUYẾT ĐỊNH:\n\nĐiều 1. Tạm đình chỉ việc giải quyết khiếu nại nêu trên. Lý do: {{ ly_do }}."
        "\n\nĐiều 2. Việc giải quyết được tiếp tục khi lý do tạm đình chỉ không còn; thời hạn giải quyết được tính "
        "tiếp từ ngày có quyết định tiếp tục giải quyết.\n\nĐiều 3. Quyết định này được gửi cho {{ xung_ho }} và các "
        "cơ quan, tổ chức, cá nhân có liên quan.",
        [("2026-07-01", f"Mẫu quyết định tạm đình chỉ, ban hành kèm theo {C124_2026} (Điều 28a, 28b); {C30}")],
    ),
    (
        "continuation",
        "QĐ",
        "QUYẾT ĐỊNH\nVề việc tiếp tục giải quyết khiếu nại",
        "Căn cứ Luật Khiếu nại năm 2011, Điều 11a (được bổ sung bởi Luật 136/2025/QH15);"
        "{% if can_cu %}\n\n{{ can_cu }};{% endif %}\n\nXét lý do tạm đình chỉ việc giải quyết khiếu nại (mã tra cứu "
        "{{ ma_don }}) không còn,\n\nQUYẾT ĐỊNH:\n\nĐiều 1. Tiếp tục giải quyết khiếu nại về việc: {{ tieu_de }}."
        "{% if han_moi %} Thời hạn giải quyết đến ngày {{ han_moi }}.{% endif %}"
        "\n\nĐiều 2. Quyết định này được gửi cho {{ xung_ho }} và các cơ quan, tổ chức, cá nhân có liên quan.",
        [("2026-07-01", f"Mẫu quyết định tiếp tục giải quyết, ban hành kèm theo {C124_2026} (Điều 28b); {C30}")],
    ),
    (
        "extension",
        "QĐ",
        "QUYẾT ĐỊNH\nVề việc gia hạn giải quyết tố cáo",
        "Căn cứ Luật Tố cáo năm 2018, Điều 30;{% if can_cu %}\n\n{{ can_cu }};{% endif %}"
        "\n\nXét tố cáo (mã tra cứu {{ ma_don }}) về việc: {{ tieu_de }} có tính chất phức tạp,"
        "\n\nQUYẾT ĐỊNH:\n\nĐiều 1. Gia hạn thời hạn giải quyết tố cáo.{% if han_moi %} Thời hạn giải quyết đến ngày "
        "{{ han_moi }}.{% endif %}{% if ly_do %} Lý do: {{ ly_do }}.{% endif %}"
        "\n\nĐiều 2. Quyết định này được gửi cho người tố cáo và người bị tố cáo.",
        [
            ("2019-05-28", f"Mẫu quyết định gia hạn giải quyết tố cáo, ban hành kèm theo {C31}; {C30}"),
            ("2026-07-01", f"Mẫu quyết định gia hạn giải quyết tố cáo, ban hành kèm theo {C31_2026}; {C30}"),
        ],
    ),
    (
        "decision",
        "QĐ",
        "QUYẾT ĐỊNH\nVề việc giải quyết khiếu nại",
        "Căn cứ Luật Khiếu nại năm 2011 (được sửa đổi, bổ sung);{% if can_cu %}\n\n{{ can_cu }};{% endif %}"
        "\n\nXét đơn khiếu nại {{ lan_giai_quyet }} (mã tra cứu {{ ma_don }}) nhận ngày {{ ngay_nhan }} về việc: "
        "{{ tieu_de }},{% if ket_qua %}\n\nKết quả xác minh: {{ ket_qua }}.{% endif %}\n\nQUYẾT ĐỊNH:\n\n{{ noi_dung }}"
        "\n\nQuyết định này được gửi cho {{ xung_ho }} và các cơ quan, tổ chức, cá nhân có liên quan.",
        [
            ("2020-12-10", f"Mẫu quyết định giải quyết khiếu nại, ban hành kèm theo {C124}; {C30}"),
            ("2026-07-01", f"Mẫu quyết định giải quyết khiếu nại, ban hành kèm theo {C124_2026}; {C30}"),
        ],
    ),
    (
        "conclusion",
        "KL",
        "KẾT LUẬN\nNội dung tố cáo",
        "Ngày {{ ngay_nhan }}, {{ don_vi }} nhận được tố cáo (mã tra cứu {{ ma_don }}) về việc: {{ tieu_de }}."
        "{% if nguoi_bi_to_cao %}\n\nNgười bị tố cáo: {{ nguoi_bi_to_cao }}.{% endif %}"
        "\n\nCăn cứ kết quả xác minh nội dung tố cáo, {{ don_vi }} kết luận như sau:"
        "{% if ket_qua %}\n\nKết luận: {{ ket_qua }}.{% endif %}\n\n{{ noi_dung }}"
        "\n\nThông tin về người tố cáo được giữ bí mật theo quy định của Luật Tố cáo.",
        [
            ("2019-05-28", f"Mẫu kết luận nội dung tố cáo, ban hành kèm theo {C31}; {C30}"),
            ("2026-07-01", f"Mẫu kết luận nội dung tố cáo, ban hành kèm theo {C31_2026}; {C30}"),
        ],
    ),
    (
        "answer",
        "",
        "V/v trả lời đơn",
        f"{GREETING}\n\n{RECEIVED}\n\n{{{{ don_vi }}}} trả lời như sau:\n\n{{{{ noi_dung }}}}",
        [("2020-03-05", f"Công văn trả lời, {C30}")],
    ),
]


def seed(apps, schema_editor):
    DocumentForm = apps.get_model("documents", "DocumentForm")
    for kind, symbol, title, body, versions in FORMS:
        for effective_from, citation in versions:
            DocumentForm.objects.get_or_create(
                kind=kind,
                effective_from=effective_from,
                defaults={"symbol": symbol, "title": title, "body": body, "citation": citation, "note": NOTE},
            )


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
