"""The site served under a path of its own (SCRIPT_NAME, e.g. behind a portal's proxy): the header's links, reversed
once per process, follow it."""

from __future__ import annotations

from django.template import Context, Template
from django.urls import set_script_prefix

HEADER_LINK = Template("{% load site_urls %}{% cached_url 'surveys:list' %}")


def test_the_header_links_follow_the_address_the_site_is_served_under():
    try:
        at_root = HEADER_LINK.render(Context())
        set_script_prefix("/langnghe/")
        under_a_path = HEADER_LINK.render(Context())
    finally:
        set_script_prefix("/")

    assert (at_root, under_a_path) == ("/surveys/", "/langnghe/surveys/")
    assert HEADER_LINK.render(Context()) == "/surveys/"


def test_every_page_has_the_header_links(client, db):
    page = client.get("/search/").content.decode()

    for href in ("/", "/search/", "/map/", "/consultations/", "/surveys/", "/me/", "/login/"):
        assert f'href="{href}"' in page
