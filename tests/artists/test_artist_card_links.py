"""Every link of a shop card has a name a screen reader can read: a shop
without a photo has no empty photo link (the photo link, when there is a
photo, is a duplicate of the shop's name left out of the keyboard order)."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import ArtistFactory, ItemFactory, VariantFactory

pytestmark = pytest.mark.django_db


class Links(HTMLParser):
    """The links of a page: (attributes, text and image alternatives)."""

    def __init__(self):
        super().__init__()
        self.links = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self._open = [attrs, ""]
            self.links.append(self._open)
        elif tag == "img" and self._open is not None:
            self._open[1] += attrs.get("alt") or ""

    def handle_endtag(self, tag):
        if tag == "a":
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open[1] += data


def nameless_links(html: str) -> list[dict]:
    parser = Links()
    parser.feed(html)
    return [
        attrs
        for attrs, text in parser.links
        if not re.sub(r"\s+", "", text)
        and not attrs.get("aria-label")
        and attrs.get("aria-hidden") != "true"
    ]


@pytest.mark.parametrize("page", ["catalog:home", "catalog:artists"])
def test_shop_cards_have_no_link_without_a_name(client, page):
    shop = ArtistFactory(name="Clay Corner", slug="clay-corner")
    VariantFactory(item=ItemFactory(artist=shop), stock=3)

    response = client.get(reverse(page))

    assert response.status_code == 200
    assert "Clay Corner" in response.content.decode()
    assert nameless_links(response.content.decode()) == []
