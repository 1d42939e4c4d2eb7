"""Messages the BPMN modeler's JavaScript shows, translated on the server.

The modeler (frontend/bpmn) looks each Vietnamese text up in `config.messages` (the page's json_script) and shows
the translation in the request's language; `{name}` placeholders are filled in by the script.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

MESSAGES = (
    gettext_noop("{count} lỗi: sửa các phần tử được đánh dấu đỏ trước khi gửi duyệt."),
    gettext_noop("Máy chủ kiểm tra: quy trình hợp lệ."),
    gettext_noop("dòng {line}"),
    gettext_noop("tài liệu"),
    gettext_noop("Đang tự động lưu…"),
    gettext_noop("Đang lưu…"),
    gettext_noop("Đã tự động lưu lúc {time}"),
    gettext_noop("Đã lưu lúc {time}"),
    gettext_noop("{count} lỗi cần sửa"),
    gettext_noop("hợp lệ"),
    gettext_noop(
        "{message} Thay đổi của bạn vẫn còn trong trình soạn thảo: hãy tải xuống bản của bạn trước khi tải lại."
    ),
    gettext_noop("Chưa lưu được: {message}. Thay đổi vẫn còn trong trình soạn thảo."),
    gettext_noop("Tải xuống bản của tôi (.bpmn)"),
    gettext_noop("Tải lại bản mới nhất"),
    gettext_noop("Không kiểm tra được trên máy chủ: {message}"),
    gettext_noop("Có thay đổi chưa lưu"),
    gettext_noop("Chưa lưu được bản dự thảo."),
    gettext_noop("Sơ đồ chưa có bố cục nên đã được dàn trang tự động; bố cục được lưu cùng lần lưu tới."),
    gettext_noop("Mở được sơ đồ, có {count} cảnh báo khi đọc."),
    gettext_noop("Không mở được sơ đồ: {message}"),
    gettext_noop("Thiếu «trạng thái cho người dân» (public_status)"),
    gettext_noop("Quy trình không được chứa mã lệnh (bước script)"),
    gettext_noop("Bước tự động phải chọn một xử lý có sẵn"),
    gettext_noop("Hẹn giờ phải chọn quy tắc thời hạn"),
)


def catalogue() -> dict[str, str]:
    """{Vietnamese text: its translation in the active language} for the modeler's script."""
    return {message: gettext(message) for message in MESSAGES}
