"""Security headers: a Content-Security-Policy without inline code; receipts and QR codes on the public address."""

from __future__ import annotations

import re

import pytest
import segno

from cases.models import Petition
from tests.conftest import petition_payload

# A script the browser would run inline; a JSON data block (`json_script`) is data, never run, and allowed.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)


@pytest.mark.parametrize(
    "path",
    ["/", "/login/", "/consultations/", "/search/", "/api/docs/", "/map/", "/surveys/", "/me/sign-in/", "/open-data/"],
)
def test_pages_send_a_content_security_policy_their_html_obeys(client, org, processes, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    html = response.content.decode()
    assert not INLINE_SCRIPT.findall(html), "inline <script> blocked by the policy"
    assert not INLINE_HANDLER.findall(html), "inline event handler blocked by the policy"
    assert not INLINE_STYLE.findall(html), "inline style blocked by the policy"


def test_the_language_menu_submits_without_an_inline_handler(client, db):
    html = client.get("/login/").content.decode()
    assert "data-submit-on-change" in html and "onchange" not in html


def test_receipts_link_to_the_configured_site_address_not_the_proxys_view(public, submit, client, settings):
    settings.SITE_URL = "https://langnghe.quangtri.gov.vn"
    # The TLS proxy talks plain HTTP to the application, under its own host name.
    receipt = submit()
    assert receipt["status_url"] == f"https://langnghe.quangtri.gov.vn/track/{receipt['tracking_code']}/"

    page = client.post("/submit/", {**petition_payload(), "publish_consent": "on"}, HTTP_HOST="127.0.0.1")
    assert page.status_code == 200
    status_url = f"https://langnghe.quangtri.gov.vn/track/{Petition.objects.latest('pk').tracking_code}/"
    html = page.content.decode()
    assert status_url in html and "http://127.0.0.1" not in html
    # The QR code on the receipt encodes the same public address.
    assert segno.make(status_url, error="m").svg_data_uri(scale=4) in html.replace("&amp;", "&")
