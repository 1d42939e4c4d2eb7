"""Open data downloads and RSS/Atom feeds: valid, only published petitions, never personal data (PII canary)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import feedparser
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from tests.places.test_public_map import assert_no_canary


def download(client, slug: str, fmt: str) -> str:
    response = client.get(reverse("places:open-data-file", args=[slug, fmt]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_build_open_data_writes_csv_and_json_of_published_petitions_only(client, make_public, placed):
    public = make_public(latitude=Decimal("16.819512"), longitude=Decimal("107.097301"))
    make_public(published=False)
    make_public(consent=False)
    make_public(petition_type="denunciation")

    call_command("build_open_data", stdout=io.StringIO())

    assert default_storage.exists("open-data/petitions.csv")
    rows = list(csv.DictReader(io.StringIO(download(client, "petitions", "csv"))))
    assert [row["tracking_code"] for row in rows] == [public.tracking_code]
    (row,) = rows
    assert (row["latitude"], row["longitude"], row["commune_name"]) == ("16.82", "107.097", "Phường Đông Hà")
    assert row["answer"].startswith("Đã vá ổ gà") and row["url"].endswith(f"/track/{public.tracking_code}/")
    document = json.loads(download(client, "petitions", "json"))
    assert document["licence"] == "CC BY 4.0" and document["count"] == 1
    assert document["records"][0]["tracking_code"] == public.tracking_code
    for slug in ("petitions", "consultation-results"):
        for fmt in ("csv", "json"):
            assert_no_canary(download(client, slug, fmt))


def test_a_missing_file_is_built_on_demand(client, make_public):
    petition = make_public()

    text = download(client, "petitions", "json")

    assert json.loads(text)["records"][0]["tracking_code"] == petition.tracking_code


def test_the_schema_page_lists_every_column_and_the_licence(client, placed):
    page = client.get(reverse("places:open-data")).content.decode()

    for column in ("tracking_code", "commune_admin_code", "answered_date", "summary"):
        assert f"<code>{column}</code>" in page
    assert "CC BY 4.0" in page and "/open-data/petitions.csv" in page and "/feeds/commune/dong-ha.atom" in page


def test_an_unknown_dataset_is_404(client, placed):
    assert client.get("/open-data/secrets.csv").status_code == 404


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_the_commune_feed_parses_and_lists_published_answers_without_personal_data(client, make_public, placed, fmt):
    first = make_public()
    make_public(commune=placed.gio_linh)
    make_public(published=False)

    response = client.get(reverse("places:feed-commune", args=["dong-ha", fmt]))

    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == ("atom10" if fmt == "atom" else "rss20")
    assert "Phường Đông Hà" in feed.feed.title
    (entry,) = feed.entries
    assert entry.title == "Ổ gà trên đường Hùng Vương"
    assert entry.link.endswith(f"/track/{first.tracking_code}/")
    assert "Đã vá ổ gà" in entry.summary
    assert_no_canary(response.content.decode())


def test_the_topic_feed_lists_that_topics_answers(client, make_public):
    from topics.models import Topic

    water = Topic.objects.create(code="nuoc-thu-nghiem", name="Nước thử nghiệm")
    mine = make_public(topic=water)
    make_public()

    feed = feedparser.parse(client.get(reverse("places:feed-topic", args=["nuoc-thu-nghiem", "atom"])).content)

    assert not feed.bozo
    assert [entry.link.rsplit("/", 2)[-2] for entry in feed.entries] == [mine.tracking_code]


def test_a_feed_of_an_unknown_commune_or_topic_is_404(client, placed):
    assert client.get("/feeds/commune/atlantis.atom").status_code == 404
    assert client.get("/feeds/commune/so-xay-dung.atom").status_code == 404  # a department is not a commune
    assert client.get("/feeds/topic/nope.rss").status_code == 404
