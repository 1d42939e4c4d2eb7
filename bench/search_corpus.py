"""Realistic public search documents for benchmarks: what citizens of Quảng Trị ask and what the authorities
answer, in Vietnamese, made up from templates with a fixed seed (nothing is downloaded).

    from bench.search_corpus import documents, queries
    docs = list(documents(200_000, seed=20260115))

Each document is a `SearchDocument` as the petition projection would make it: a title, a body (the request,
then the answer), a real commune of the province and the unit that answered, a petition type, a status and a
received date between 2021 and 2026. Private data is never generated (the projection redacts it anyway).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass

from search.backends.base import SearchDocument

# Communes and wards of Quảng Trị province (code, name).
COMMUNES = [
    ("phuong-dong-ha", "Phường Đông Hà"),
    ("phuong-nam-dong-ha", "Phường Nam Đông Hà"),
    ("phuong-quang-tri", "Phường Quảng Trị"),
    ("phuong-dong-hoi", "Phường Đồng Hới"),
    ("phuong-dong-thuan", "Phường Đồng Thuận"),
    ("phuong-dong-son", "Phường Đồng Sơn"),
    ("phuong-ba-don", "Phường Ba Đồn"),
    ("phuong-bac-gianh", "Phường Bắc Gianh"),
    ("xa-gio-linh", "Xã Gio Linh"),
    ("xa-cam-lo", "Xã Cam Lộ"),
    ("xa-vinh-linh", "Xã Vĩnh Linh"),
    ("xa-hai-lang", "Xã Hải Lăng"),
    ("xa-nam-hai-lang", "Xã Nam Hải Lăng"),
    ("xa-trieu-phong", "Xã Triệu Phong"),
    ("xa-trieu-binh", "Xã Triệu Bình"),
    ("xa-trieu-co", "Xã Triệu Cơ"),
    ("xa-ai-tu", "Xã Ái Tử"),
    ("xa-dien-sanh", "Xã Diên Sanh"),
    ("xa-my-thuy", "Xã Mỹ Thủy"),
    ("xa-huong-hoa", "Xã Hướng Hóa"),
    ("xa-khe-sanh", "Xã Khe Sanh"),
    ("xa-lao-bao", "Xã Lao Bảo"),
    ("xa-huong-phung", "Xã Hướng Phùng"),
    ("xa-huong-lap", "Xã Hướng Lập"),
    ("xa-tan-lap", "Xã Tân Lập"),
    ("xa-lia", "Xã Lìa"),
    ("xa-a-doi", "Xã A Dơi"),
    ("xa-dakrong", "Xã Đakrông"),
    ("xa-ba-long", "Xã Ba Lòng"),
    ("xa-con-tien", "Xã Cồn Tiên"),
    ("xa-cua-tung", "Xã Cửa Tùng"),
    ("xa-cua-viet", "Xã Cửa Việt"),
    ("xa-ben-quan", "Xã Bến Quan"),
    ("xa-vinh-hoang", "Xã Vĩnh Hoàng"),
    ("xa-vinh-thuy", "Xã Vĩnh Thủy"),
    ("xa-cam-hong", "Xã Cam Hồng"),
    ("xa-hieu-giang", "Xã Hiếu Giang"),
    ("xa-le-thuy", "Xã Lệ Thủy"),
    ("xa-quang-ninh", "Xã Quảng Ninh"),
    ("xa-bo-trach", "Xã Bố Trạch"),
    ("xa-phong-nha", "Xã Phong Nha"),
    ("xa-minh-hoa", "Xã Minh Hóa"),
    ("xa-tuyen-hoa", "Xã Tuyên Hóa"),
    ("dac-khu-con-co", "Đặc khu Cồn Cỏ"),
]
DEPARTMENTS = {
    "road": ("so-xay-dung", "Sở Xây dựng"),
    "light": ("so-xay-dung", "Sở Xây dựng"),
    "land": ("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường"),
    "waste": ("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường"),
    "water": ("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường"),
    "school": ("so-giao-duc-dao-tao", "Sở Giáo dục và Đào tạo"),
    "health": ("so-y-te", "Sở Y tế"),
    "order": ("cong-an-tinh", "Công an tỉnh"),
    "power": ("dien-luc-quang-tri", "Công ty Điện lực Quảng Trị"),
    "social": ("so-noi-vu", "Sở Nội vụ"),
    "paper": ("so-tu-phap", "Sở Tư pháp"),
}
STREETS = [
    "Lê Duẩn",
    "Hùng Vương",
    "Trần Hưng Đạo",
    "Lý Thường Kiệt",
    "Nguyễn Trãi",
    "Hàm Nghi",
    "Lê Lợi",
    "Trần Phú",
    "Điện Biên Phủ",
    "Quốc lộ 9",
    "Quốc lộ 1",
    "Nguyễn Huệ",
    "Phan Bội Châu",
    "Tôn Thất Thuyết",
    "Lê Thánh Tôn",
    "Quang Trung",
    "Đường Thành Cổ",
    "Nguyễn Du",
]
HAMLETS = ["thôn {n}", "khu phố {n}", "tổ dân phố {n}", "thôn Tân Định", "thôn An Lợi", "bản Ka Tăng", "thôn Phú Hưng"]


@dataclass(frozen=True)
class Topic:
    key: str
    titles: tuple[str, ...]
    requests: tuple[str, ...]
    answers: tuple[str, ...]


TOPICS = [
    Topic(
        "road",
        (
            "Đường {street} xuống cấp, nhiều ổ gà",
            "Ổ gà trên đường {street} gây nguy hiểm",
            "Sụt lún mặt đường tại {place}",
            "Đề nghị sửa chữa đường vào {place}",
            "Đường liên thôn {place} bị sạt lở sau mưa lũ",
        ),
        (
            "Đoạn đường {street} gần {place} có nhiều ổ gà sâu, trời mưa nước đọng rất nguy hiểm cho người đi xe máy.",
            "Từ tháng {month} đến nay mặt đường bị nứt và sụt lún, đã xảy ra {k} vụ tai nạn nhỏ.",
            "Xe tải chở vật liệu xây dựng chạy thường xuyên làm hư hỏng đường bê tông của {place}.",
            "Mương thoát nước hai bên đường bị lấp, nước tràn lên mặt đường mỗi khi mưa lớn.",
            "Đề nghị cơ quan chức năng sớm kiểm tra và có phương án sửa chữa trước mùa mưa bão.",
        ),
        (
            "Ngày {day}/{month}, đơn vị đã phối hợp với Ban quản lý dự án kiểm tra hiện trường và vá {k} ổ gà.",
            "Tuyến đường đã được đưa vào kế hoạch duy tu, bảo dưỡng năm {year}, dự kiến hoàn thành trong quý {quarter}.",
            "Đơn vị thi công đã được yêu cầu hoàn trả mặt đường và lắp biển cảnh báo tại các vị trí nguy hiểm.",
        ),
    ),
    Topic(
        "light",
        (
            "Đèn đường hỏng trên đường {street}",
            "Đèn chiếu sáng công cộng tại {place} không sáng",
            "Đề nghị lắp đèn đường cho {place}",
            "Cột đèn nghiêng có nguy cơ đổ ở {place}",
        ),
        (
            "Đã hơn {k} tuần nay các bóng đèn đường trên đoạn {street} không sáng, buổi tối rất tối và mất an ninh.",
            "Người dân {place} đề nghị lắp thêm đèn chiếu sáng ở đoạn đường gần trường học và chợ.",
            "Cột đèn bị xe va chạm nên nghiêng ra lòng đường, dây điện buông thấp.",
        ),
        (
            "Đơn vị quản lý chiếu sáng đã thay {k} bóng đèn và sửa tủ điều khiển ngày {day}/{month}.",
            "Việc lắp mới hệ thống chiếu sáng cho {place} được bố trí trong kế hoạch đầu tư công năm {year}.",
            "Cột đèn đã được dựng lại và gia cố móng; đề nghị người dân báo ngay khi phát hiện hư hỏng.",
        ),
    ),
    Topic(
        "land",
        (
            "Khiếu nại về tranh chấp đất đai tại {place}",
            "Đề nghị cấp giấy chứng nhận quyền sử dụng đất",
            "Lấn chiếm đất công tại {place}",
            "Kiến nghị về bồi thường giải phóng mặt bằng dự án {street}",
            "Sai lệch ranh giới thửa đất số {k}",
        ),
        (
            "Gia đình tôi sử dụng ổn định thửa đất từ năm {old_year} nhưng đến nay chưa được cấp giấy chứng nhận.",
            "Hộ liền kề xây tường rào lấn sang phần đất của gia đình khoảng {k} mét vuông.",
            "Mức giá bồi thường đất nông nghiệp của dự án mở rộng đường {street} thấp hơn giá thị trường.",
            "Một số hộ dân tự ý xây dựng công trình trên đất công do xã quản lý tại {place}.",
            "Đề nghị đo đạc lại ranh giới và chỉnh lý biến động đất đai theo đúng hiện trạng.",
        ),
        (
            "Văn phòng đăng ký đất đai đã đo đạc lại hiện trạng ngày {day}/{month}; hồ sơ cấp giấy đang được thẩm định.",
            "Qua xác minh, việc xây dựng trên đất công là vi phạm; đã lập biên bản và yêu cầu tự tháo dỡ trong {k} ngày.",
            "Giá bồi thường được áp dụng theo bảng giá đất năm {year} của tỉnh; hộ gia đình được hỗ trợ thêm chuyển đổi nghề.",
            "Tranh chấp đã được hòa giải tại cơ sở; các bên thống nhất ranh giới theo bản đồ địa chính.",
        ),
    ),
    Topic(
        "waste",
        (
            "Rác thải tồn đọng tại {place}",
            "Đề nghị thu gom rác thải sinh hoạt ở {place}",
            "Ô nhiễm môi trường từ bãi rác gần {place}",
            "Cơ sở chăn nuôi gây ô nhiễm ở {place}",
        ),
        (
            "Rác thải sinh hoạt không được thu gom đã {k} ngày, bốc mùi hôi thối ảnh hưởng đến sức khỏe người dân.",
            "Bãi rác tạm gần khu dân cư thường xuyên bị đốt, khói bụi bay vào nhà dân.",
            "Nước thải từ trại chăn nuôi heo chảy ra kênh mương gây ô nhiễm nguồn nước tưới.",
            "Đề nghị tăng số lần thu gom rác và bố trí thêm thùng rác công cộng.",
        ),
        (
            "Đơn vị vệ sinh môi trường đã thu gom toàn bộ rác tồn đọng và tăng tần suất lên {k} lần mỗi tuần.",
            "Đoàn kiểm tra đã xử phạt cơ sở chăn nuôi và yêu cầu xây dựng hệ thống xử lý nước thải.",
            "Bãi rác tạm đã được đóng cửa; rác được vận chuyển về khu xử lý tập trung của tỉnh.",
        ),
    ),
    Topic(
        "water",
        (
            "Thiếu nước sạch sinh hoạt tại {place}",
            "Nước máy có mùi lạ ở {place}",
            "Kênh mương thủy lợi bị bồi lấp tại {place}",
            "Ngập úng kéo dài ở {place} khi mưa lớn",
        ),
        (
            "Mùa khô năm nay nước máy chỉ chảy vào ban đêm, nhiều hộ phải mua nước với giá cao.",
            "Nước sinh hoạt có màu vàng và mùi clo nặng, người dân lo ngại về chất lượng nước.",
            "Kênh mương nội đồng bị bồi lấp nên không đủ nước tưới cho {k} héc-ta lúa vụ đông xuân.",
            "Mỗi lần mưa lớn nước ngập sâu khoảng {k}0 cm, tràn vào nhà dân trên đường {street}.",
        ),
        (
            "Công ty cấp nước đã súc rửa đường ống và lấy mẫu kiểm nghiệm; kết quả đạt quy chuẩn.",
            "Dự án mở rộng mạng cấp nước cho {place} được phê duyệt, dự kiến thi công từ tháng {month} năm {year}.",
            "Đơn vị đã nạo vét {k} km kênh mương và khơi thông cống thoát nước trước mùa mưa.",
        ),
    ),
    Topic(
        "school",
        (
            "Phòng học xuống cấp tại trường tiểu học {place}",
            "Kiến nghị về các khoản thu đầu năm học",
            "Đề nghị xây nhà vệ sinh cho trường học ở {place}",
            "Thiếu giáo viên tại trường trung học cơ sở {place}",
        ),
        (
            "Mái phòng học bị dột, tường nứt, các cháu học sinh phải học trong điều kiện không an toàn.",
            "Phụ huynh phản ánh nhà trường thu nhiều khoản ngoài quy định đầu năm học {year}.",
            "Trường chỉ có {k} nhà vệ sinh cho hơn ba trăm học sinh, không đảm bảo vệ sinh.",
            "Nhiều lớp phải ghép vì thiếu giáo viên tiếng Anh và tin học.",
        ),
        (
            "Sở đã chỉ đạo rà soát các khoản thu; nhà trường đã hoàn trả các khoản thu không đúng quy định.",
            "Công trình sửa chữa phòng học được bố trí vốn năm {year}, thi công trong dịp hè.",
            "Đã điều động {k} giáo viên từ các trường thừa biên chế về giảng dạy từ học kỳ hai.",
        ),
    ),
    Topic(
        "health",
        (
            "Trạm y tế {place} thiếu thuốc",
            "Thủ tục thanh toán bảo hiểm y tế còn phiền hà",
            "Kiến nghị về chất lượng khám chữa bệnh tại bệnh viện",
            "Đề nghị phun thuốc phòng sốt xuất huyết ở {place}",
        ),
        (
            "Người dân đến trạm y tế khám bệnh nhưng thường xuyên thiếu thuốc điều trị bệnh mạn tính.",
            "Thủ tục chuyển tuyến và thanh toán bảo hiểm y tế mất nhiều thời gian, người bệnh phải chờ đợi.",
            "Khu dân cư {place} có {k} ca sốt xuất huyết nhưng chưa được phun thuốc diệt muỗi.",
        ),
        (
            "Trung tâm y tế đã bổ sung thuốc cho trạm y tế và rà soát kế hoạch cung ứng thuốc năm {year}.",
            "Bệnh viện đã cải tiến quy trình tiếp đón, rút ngắn thời gian chờ thanh toán bảo hiểm y tế.",
            "Đã tổ chức phun hóa chất diệt muỗi toàn bộ khu vực ngày {day}/{month} và tuyên truyền diệt lăng quăng.",
        ),
    ),
    Topic(
        "order",
        (
            "Tiếng ồn karaoke về đêm ở {place}",
            "Lấn chiếm vỉa hè trên đường {street}",
            "Xe quá tải chạy qua {place}",
            "Tụ tập đua xe trái phép trên đường {street}",
        ),
        (
            "Quán karaoke hát đến quá nửa đêm gây ồn ào, ảnh hưởng đến việc nghỉ ngơi của người dân.",
            "Các hộ kinh doanh bày hàng hóa lấn chiếm vỉa hè, người đi bộ phải xuống lòng đường.",
            "Xe tải quá khổ quá tải chạy qua khu dân cư {place} cả ngày lẫn đêm.",
            "Nhóm thanh niên thường tụ tập đua xe vào cuối tuần, rất nguy hiểm.",
        ),
        (
            "Công an đã kiểm tra, lập biên bản và xử phạt chủ cơ sở karaoke theo quy định.",
            "Tổ công tác trật tự đô thị đã ra quân giải tỏa lấn chiếm vỉa hè và yêu cầu các hộ cam kết.",
            "Đã bố trí lực lượng tuần tra vào các tối cuối tuần và tạm giữ {k} phương tiện vi phạm.",
        ),
    ),
    Topic(
        "power",
        (
            "Mất điện thường xuyên tại {place}",
            "Điện áp yếu ở {place}",
            "Dây điện võng thấp nguy hiểm trên đường {street}",
        ),
        (
            "Khu vực {place} mất điện nhiều lần trong tháng {month}, không có thông báo trước.",
            "Điện áp yếu vào giờ cao điểm, các thiết bị điện trong gia đình không hoạt động được.",
            "Dây điện võng thấp sát mái nhà, khi mưa gió có nguy cơ chập cháy.",
        ),
        (
            "Điện lực đã thay máy biến áp và cải tạo đường dây hạ thế cho {place}.",
            "Lịch cắt điện để bảo dưỡng được thông báo trước trên trang thông tin của điện lực.",
            "Dây điện đã được căng lại và nâng độ cao an toàn ngày {day}/{month}.",
        ),
    ),
    Topic(
        "social",
        (
            "Đề nghị xem xét hỗ trợ hộ nghèo",
            "Chậm chi trả trợ cấp cho người có công",
            "Kiến nghị về chế độ bảo trợ xã hội cho người cao tuổi",
        ),
        (
            "Gia đình thuộc diện khó khăn nhưng không có tên trong danh sách hộ nghèo năm {year}.",
            "Trợ cấp hằng tháng cho người có công với cách mạng bị chậm chi trả {k} tháng.",
            "Người cao tuổi trên tám mươi tuổi ở {place} chưa được hưởng trợ cấp xã hội.",
        ),
        (
            "Ủy ban đã rà soát lại danh sách hộ nghèo theo đúng tiêu chí và công khai tại nhà văn hóa thôn.",
            "Khoản trợ cấp đã được chi trả đầy đủ qua bưu điện; nguyên nhân chậm là do điều chỉnh hồ sơ.",
            "Hồ sơ trợ cấp xã hội của các cụ đã được phê duyệt, hưởng từ tháng {month} năm {year}.",
        ),
    ),
    Topic(
        "paper",
        (
            "Chậm giải quyết hồ sơ hộ tịch",
            "Kiến nghị về thủ tục chứng thực tại bộ phận một cửa",
            "Đề nghị hướng dẫn thủ tục đăng ký kinh doanh",
        ),
        (
            "Hồ sơ đăng ký khai sinh nộp tại bộ phận một cửa đã quá hạn {k} ngày nhưng chưa có kết quả.",
            "Cán bộ yêu cầu bổ sung giấy tờ nhiều lần, không hướng dẫn một lần đầy đủ.",
            "Thủ tục trực tuyến trên cổng dịch vụ công thường bị lỗi khi tải hồ sơ lên.",
        ),
        (
            "Ủy ban đã xin lỗi người dân, trả kết quả hồ sơ và nhắc nhở cán bộ tiếp nhận.",
            "Bộ phận một cửa đã niêm yết công khai thành phần hồ sơ và thời hạn giải quyết.",
            "Lỗi trên cổng dịch vụ công đã được khắc phục; người dân có thể nộp hồ sơ trực tuyến.",
        ),
    ),
]
TYPES = [("reflection", 55), ("recommendation", 30), ("complaint", 12), ("complaint_second", 3)]
STATUSES = [("answered", 80), ("in_progress", 12), ("rejected", 5), ("received", 3)]
KINDS = [("petition", 90), ("comment", 7), ("report", 3)]
OPENINGS = ["Kính gửi cơ quan có thẩm quyền.", "Tôi xin phản ánh sự việc như sau.", "", "", "Kính đề nghị."]
CLOSINGS = ["Rất mong sớm nhận được phản hồi.", "Xin trân trọng cảm ơn.", "", ""]


def _weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in choices], weights=[weight for _, weight in choices])[0]


def _fill(template: str, rng: random.Random, place: str, street: str) -> str:
    return template.format(
        place=place,
        street=street,
        k=rng.randint(2, 9),
        n=rng.randint(1, 12),
        day=rng.randint(1, 28),
        month=rng.randint(1, 12),
        quarter=rng.randint(1, 4),
        year=rng.randint(2022, 2026),
        old_year=rng.randint(1985, 2005),
    )


def documents(count: int, *, seed: int = 20260115, start: int = 1) -> Iterator[SearchDocument]:
    """`count` documents "petition:<start>"… (or comment/report), the same for the same seed."""
    rng = random.Random(seed)
    first_day = datetime.date(2021, 1, 1)
    span = (datetime.date(2026, 6, 30) - first_day).days
    for number in range(start, start + count):
        topic = rng.choice(TOPICS)
        commune_code, commune_name = rng.choice(COMMUNES)
        hamlet = rng.choice(HAMLETS).format(n=rng.randint(1, 12))
        place = f"{hamlet}, {commune_name.split(' ', 1)[1]}"
        street = rng.choice(STREETS)
        title = _fill(rng.choice(topic.titles), rng, place, street)
        request = " ".join(
            part
            for part in [
                rng.choice(OPENINGS),
                *(_fill(s, rng, place, street) for s in rng.sample(topic.requests, k=min(3, len(topic.requests)))),
                rng.choice(CLOSINGS),
            ]
            if part
        )
        status = _weighted(rng, STATUSES)
        answered = status in ("answered", "rejected")
        answer = " ".join(_fill(s, rng, place, street) for s in rng.sample(topic.answers, k=2)) if answered else ""
        unit_code, unit_name = (
            (commune_code, commune_name) if rng.random() < 0.7 else DEPARTMENTS.get(topic.key, DEPARTMENTS["paper"])
        )
        kind = _weighted(rng, KINDS)
        received = first_day + datetime.timedelta(days=rng.randrange(span))
        yield SearchDocument(
            doc_id=f"{kind}:{number}",
            kind=kind,
            version=1,
            title=title[:1].upper() + title[1:],
            body=f"{request}\n\n{answer}".strip(),
            url=f"/track/QT-{received.year}-B{number:07d}/",
            date=received,
            petition_type=_weighted(rng, TYPES) if kind == "petition" else "",
            unit=unit_code if answered else "",
            unit_name=unit_name if answered else "",
            commune=commune_code,
            commune_name=commune_name,
            status=status if kind == "petition" else "",
            extra={"tracking_code": f"QT-{received.year}-B{number:07d}"},
        )


# Queries a citizen types: two and three words, with diacritics (the "without" variants are their folding).
QUERIES_2 = [
    "đèn đường",
    "ổ gà",
    "rác thải",
    "đất đai",
    "nước sạch",
    "trạm y tế",
    "khoản thu",
    "karaoke ồn",
    "bồi thường",
    "mất điện",
    "vỉa hè",
    "hộ nghèo",
    "sạt lở",
    "ngập úng",
    "phòng học",
    "Gio Linh",
    "Lê Duẩn",
    "sốt xuất huyết",
    "kênh mương",
    "hộ tịch",
]
QUERIES_3 = [
    "đèn đường hỏng",
    "thu gom rác",
    "tranh chấp đất",
    "thiếu nước sạch",
    "bảo hiểm y tế",
    "lấn chiếm vỉa hè",
    "sụt lún đường",
    "giải phóng mặt bằng",
    "trợ cấp người có",
    "điện áp yếu",
    "phòng học xuống cấp",
    "ô nhiễm chăn nuôi",
    "đường Lê Duẩn",
    "rác Cam Lộ",
    "đất công lấn",
    "xe quá tải",
    "giấy chứng nhận đất",
    "nhà vệ sinh trường",
    "cấp nước sinh hoạt",
    "đường Quốc lộ 9",
]


def queries() -> dict[str, list[str]]:
    """The benchmark's queries by kind: 2 or 3 words, with diacritics or without (folded)."""
    from search.text import index_text

    return {
        "2 words, diacritics": list(QUERIES_2),
        "2 words, no diacritics": [index_text(q) for q in QUERIES_2],
        "3 words, diacritics": list(QUERIES_3),
        "3 words, no diacritics": [index_text(q) for q in QUERIES_3],
    }
