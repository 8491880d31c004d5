"""The walk's checks find what they look for, on a page made wrong on
purpose: a block wider than a phone, English on a French page, a console
error, an image without a text alternative."""

import pytest

from tests.walk.checks import (
    AXE_FULL,
    PageWatch,
    axe_problems,
    overflow_problems,
    translation_problems,
)

pytestmark = pytest.mark.browser

BROKEN = """<!doctype html><html lang="fr"><head><title>Panier</title></head><body>
<main><h1>Votre panier</h1>
<div style="width:600px">Add to cart</div>
<p lang="en">English on purpose</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
</main><script>console.error("boom")</script></body></html>"""
FINE = """<!doctype html><html lang="fr"><head><title>Panier</title></head><body>
<main><h1>Votre panier</h1><p>Ajouter au panier</p></main></body></html>"""


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    watch = PageWatch()
    watch.attach(page)
    return page, watch


def test_the_checks_report_a_page_made_wrong(phone):
    page, watch = phone

    page.set_content(BROKEN)

    [overflow] = overflow_problems(page)
    assert overflow.startswith("scrolls sideways: ")
    assert "div 600px" in overflow
    assert translation_problems(page, names=frozenset(), sentences=()) == [
        "English on a French page: 'Add to cart' (the catalogue has "
        "'Ajouter au panier')"
    ]
    assert [e for e in watch.errors if "boom" in e]
    assert [p for p in axe_problems(page, options=AXE_FULL) if "image-alt" in p]


def test_the_checks_pass_a_page_done_right(phone):
    page, watch = phone

    page.set_content(FINE)

    assert overflow_problems(page) == []
    assert translation_problems(page, names=frozenset(), sentences=()) == []
    assert watch.errors == []
    assert axe_problems(page, options=AXE_FULL) == []
