"""The petitioner rates the answer to their petition: once per case, through the signed link of the answer's
messages or with the tracking code and secret key, changeable for 30 days after the first rating."""

from __future__ import annotations

import datetime
import json
import re

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from cases.models import PetitionStatus
from notifications.models import Message, MessageKind
from ratings import links, selectors, services
from ratings.models import AnswerRating
from tests.processes.steps import do
from tests.ratings.conftest import RATING, answer

pytestmark = pytest.mark.django_db


def link_path(petition) -> str:
    return links.answer_rating_path(petition)


def test_the_petitioner_rates_through_the_link_changes_it_within_30_days_then_it_is_locked(answered):
    case = answered()
    petition = case["petition"]
    citizen = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        # when the petitioner opens the link of the answer and rates
        form = citizen.get(link_path(petition))
        assert form.status_code == 200 and 'id="rating-form"' in form.content.decode()
        saved = citizen.post(link_path(petition), RATING)
        assert saved.status_code == 200 and 'id="rating-saved"' in saved.content.decode()
        rating = AnswerRating.objects.get()
        assert (rating.score, rating.solved, rating.unit, rating.petition_type) == (
            4,
            "partly",
            petition.unit,
            "reflection",
        )

        # then, 29 days later, they may still change it: still one rating
        clock.shift(datetime.timedelta(days=29))
        page = citizen.get(link_path(petition)).content.decode()
        assert "Sửa đánh giá" in page and 'value="4" checked' in page
        assert citizen.post(link_path(petition), {**RATING, "score": "2", "solved": "no"}).status_code == 200
        assert AnswerRating.objects.count() == 1
        assert AnswerRating.objects.get().score == 2

        # and after 30 days the rating is read-only, with a clear message; a change is refused
        clock.shift(datetime.timedelta(days=1, seconds=1))
        page = citizen.get(link_path(petition)).content.decode()
        assert 'id="rating-locked"' in page and 'id="rating-form"' not in page
        refused = citizen.post(link_path(petition), {**RATING, "score": "5"})
        assert refused.status_code == 409
        assert "đã được giữ cố định" in refused.content.decode()
        assert AnswerRating.objects.get().score == 2


def test_the_petitioner_rates_with_the_tracking_code_and_key_posted_never_in_a_url(answered):
    case = answered()
    citizen = Client()
    proof = {"code": case["tracking_code"], "access_key": case["access_key"]}
    form = citizen.post("/rate/", proof)
    page = form.content.decode()
    assert form.status_code == 200 and 'id="rating-form"' in page
    assert 'action="/rate/"' in page  # the key stays in the POSTed form, not in the form's address
    assert form["Cache-Control"] == "private, no-store" or "no-store" in form["Cache-Control"]
    assert citizen.post("/rate/", {**proof, **RATING}).status_code == 200
    assert AnswerRating.objects.get().petition == case["petition"]


def test_a_wrong_key_or_someone_elses_case_is_refused_and_nothing_is_stored(answered):
    mine, theirs = answered(), answered(petitioner_name="Lê Thị Hoa")
    citizen = Client()

    # a wrong key, or my key with their code
    wrong = citizen.post("/rate/", {"code": mine["tracking_code"], "access_key": "not-the-key", **RATING})
    assert wrong.status_code == 403 and "Mã tra cứu hoặc mã bí mật không đúng." in wrong.content.decode()
    crossed = citizen.post("/rate/", {"code": theirs["tracking_code"], "access_key": mine["access_key"], **RATING})
    assert crossed.status_code == 403

    # my link with their case's code swapped in: the signature no longer holds
    token = links.answer_token(mine["petition"])
    other = {"p": theirs["petition"].pk, "c": theirs["tracking_code"]}
    forged = signing.b64_encode(json.dumps(other, separators=(",", ":")).encode()).decode() + token[token.index(":") :]
    assert forged != token
    assert citizen.post(f"/rate/{forged}/", RATING).status_code == 404
    assert citizen.post("/rate/not-a-token/", RATING).status_code == 404
    assert not AnswerRating.objects.exists()


def test_an_expired_link_asks_for_the_code_and_key(answered, settings):
    case = answered()
    path = link_path(case["petition"])
    with time_machine.travel(timezone.now() + datetime.timedelta(days=settings.RATINGS_LINK_MAX_AGE_DAYS + 1)):
        response = Client().get(path)
    assert response.status_code == 404
    assert "đã hết hạn" in response.content.decode() and 'name="access_key"' in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        ({**RATING, "score": "6"}, "score", "Mức đánh giá phải từ 1 đến 5, không phải 6."),
        ({**RATING, "score": "0"}, "score", "Mức đánh giá phải từ 1 đến 5, không phải 0."),
        ({**RATING, "score": "năm"}, "score", "Hãy chọn một mức từ 1 đến 5."),
        ({**RATING, "solved": "maybe"}, "solved", "Hãy cho biết vấn đề đã được giải quyết chưa."),
        ({**RATING, "comment": "x" * 2001}, "comment", "Ý kiến dài tối đa 2000 ký tự (đang có 2001)."),
    ],
)
def test_a_value_out_of_range_is_a_form_error_next_to_its_field(answered, data, field, reason):
    case = answered()
    response = Client().post(link_path(case["petition"]), data)
    assert response.status_code == 400
    assert re.search(rf'<p class="error" id="error-{field}">{re.escape(reason)}</p>', response.content.decode())
    assert not AnswerRating.objects.exists()


def test_an_answer_not_yet_given_cannot_be_rated(submit):
    case = submit()
    from cases.models import Petition

    petition = Petition.objects.get(tracking_code=case["tracking_code"])
    response = Client().post(link_path(petition), RATING)
    assert response.status_code == 409
    assert "chỉ đánh giá được sau khi nhận trả lời" in response.content.decode()
    assert Client().get(link_path(petition)).status_code == 409
    assert not AnswerRating.objects.exists()
    with pytest.raises(services.RatingError):
        services.rate_answer(petition=petition, data=RATING)


def test_my_page_gets_the_rating_and_the_form_url(answered, submit):
    case = answered()
    petition = case["petition"]
    summary = selectors.rating_summary(petition)
    assert summary["can_rate"] and summary["rating"] is None and summary["url"] == link_path(petition)
    services.rate_answer(petition=petition, data=RATING)
    given = services.rating_for(petition)
    assert given is not None and given.score == 4
    open_case = submit()
    from cases.models import Petition

    assert selectors.rating_summary(Petition.objects.get(tracking_code=open_case["tracking_code"]))["url"] == ""


def test_the_answer_and_the_rating_request_link_to_the_rating_form(
    submit, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        code = submit()["tracking_code"]
        do(client_for("alice"), "classify", {"decision": "accept"})
        do(client_for("carol"), "assign", {"handler": "bob"})
        do(client_for("bob"), "draft_answer", {"answer": "Đã thay bóng đèn ngày 20/11."})
        do(client_for("carol"), "approve", {"approval": "approve"})
    from cases.models import Petition

    petition = Petition.objects.get(tracking_code=code)
    assert petition.status == PetitionStatus.ANSWERED
    request = Message.objects.get(kind=MessageKind.RATING_REQUEST)
    assert "/rate/" in request.link and links.read_answer_token(request.link.rsplit("/rate/", 1)[1].strip("/")) == (
        petition.pk,
        code,
    )
    answer_mail = next(m for m in mail.outbox if m.subject == f"[{code}] Trả lời đơn")
    link = re.search(r"Đánh giá việc giải quyết đơn: (\S+)", str(answer_mail.body))
    assert link is not None
    # the link in the answer opens the form and rates the case, with no key typed
    path = "/rate/" + link.group(1).rsplit("/rate/", 1)[1]
    assert Client().post(path, RATING).status_code == 200
    assert AnswerRating.objects.get().petition == petition


def test_answer_helper_marks_the_case_answered(submit):
    assert answer(submit()["tracking_code"]).status == PetitionStatus.ANSWERED


def test_the_status_page_offers_the_rating_to_the_petitioner_only(answered):
    case = answered()
    code = case["tracking_code"]
    public = Client().get(f"/track/{code}/").content.decode()
    assert "/rate/" not in public
    private = Client().post(f"/track/{code}/", {"access_key": case["access_key"]}).content.decode()
    assert f'href="{link_path(case["petition"])}"' in private and "Đánh giá trả lời này" in private
    services.rate_answer(petition=case["petition"], data=RATING)
    private = Client().post(f"/track/{code}/", {"access_key": case["access_key"]}).content.decode()
    assert "Ông/bà đã đánh giá trả lời: 4/5." in private and "Sửa đánh giá" in private


def test_guessing_keys_is_rate_limited_per_client_address(answered, settings):
    case = answered()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_rating": "3/hour"}}
    guesser = Client(REMOTE_ADDR="198.51.100.9")
    for guess in ("a", "b", "c"):
        assert guesser.post("/rate/", {"code": case["tracking_code"], "access_key": guess}).status_code == 403
    blocked = guesser.post("/rate/", {"code": case["tracking_code"], "access_key": case["access_key"], **RATING})
    assert blocked.status_code == 429 and "quá nhiều lần" in blocked.content.decode()
    assert not AnswerRating.objects.exists()


def test_the_rating_pages_speak_english(answered):
    case = answered()
    citizen = Client()
    citizen.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = citizen.post(link_path(case["petition"]), {**RATING, "score": "9"}).content.decode()
    assert "The score must be from 1 to 5, not 9." in page and "Has your problem been solved?" in page
