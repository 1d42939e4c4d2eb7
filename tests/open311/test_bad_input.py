"""Whatever a client sends, Open311 answers with a document in the format it asked for: a 2xx, or a 4xx in the
specification's error format, never a 5xx and never half a petition (a deterministic fuzz over nasty values)."""

from __future__ import annotations

import json
import random
from typing import Any

from cases.models import Petition
from open311.models import Open311Request
from tests.open311.conftest import SPEC_EXAMPLE_POST, errors_of, xml

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "-0.0",
    "99999999999999999999999",
    "2026-13-45T25:61:00Z",
    "2026-12-05",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00-12:00",
    "open,closed,open",
    ",,,",
    "reflection,reflection",
    "QT-2026-AAAA-AAAA",
    "<script>alert(1)</script>",
    "'; DROP TABLE cases_petition; --",
    "Đèn đường hỏng 🚧 ở ngõ 5",
    "\u202e\u200b\ufeff",
    "a" * 5000,
    "attribute[commune]",
    "%00",
    "%ff%fe",
    "true",
    "dong-ha",
]
GET_FIELDS = ["service_request_id", "service_code", "start_date", "end_date", "status", "page", "page_size", "locale"]
POST_FIELDS = [
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "phone",
    "first_name",
    "last_name",
    "description",
    "media_url",
    "attribute[commune]",
    "attribute[commune][]",
    "attribute[title]",
    "attribute[publish_consent]",
    "attribute[]",
    "attribute[x][y]",
]


def check_document(response: Any, fmt: str) -> None:
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert errors_of(response)
    elif fmt == "json":
        json.loads(response.content)
    else:
        xml(response)


def test_random_queries_never_answer_5xx(http, org, processes, settings):
    settings.OPEN311_RATE_ANONYMOUS = "100000/minute"
    chance = random.Random(311)
    paths = ["requests", "services", "discovery", "requests/QT-2026-AAAA-AAAA", "tokens/abc", "services/reflection"]
    for _ in range(150):
        fmt = chance.choice(["xml", "json"])
        query = {field: chance.choice(NASTY) for field in chance.sample(GET_FIELDS, chance.randint(1, 4))}
        check_document(http.get(f"/open311/v2/{chance.choice(paths)}.{fmt}", query), fmt)


def test_random_posts_never_answer_5xx_nor_store_half_a_petition(http, app_key, settings):
    settings.OPEN311_RATE_PER_KEY = "100000/minute"
    chance = random.Random(2010)
    created = 0
    for _ in range(120):
        fmt = chance.choice(["xml", "json"])
        form = {"api_key": app_key.raw, **SPEC_EXAMPLE_POST}
        for field in chance.sample(POST_FIELDS, chance.randint(1, 3)):
            form[field] = chance.choice(NASTY)
        response = http.post(f"/open311/v2/requests.{fmt}", form)
        check_document(response, fmt)
        created += response.status_code == 201
    assert Petition.objects.count() == Open311Request.objects.count() == created
    assert 0 < created < 120  # both accepted and refused posts were tried
