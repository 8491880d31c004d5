"""Every page of every role, at 390 px and 1280 px, in English and French,
on the demo's data: nothing scrolls sideways, the console stays clean, no
English of the catalogue is left on a French page, and axe-core finds no
serious or critical accessibility violation.

A failure lists every problem found, one line each:
``[role size language] page (path): what failed``."""

import pytest
from django.urls import get_resolver

from demo.seed import seed
from tests.walk.walk import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def served_media(settings):
    """The live server serves /media/ from this test's folder: the URL
    pattern (marketplace.urls) bound the folder of the test that first
    loaded it."""
    pattern = next(
        p for p in get_resolver().url_patterns if getattr(p, "name", "") == "media"
    )
    previous = pattern.default_args["document_root"]
    pattern.default_args["document_root"] = settings.STORAGES["default"]["OPTIONS"][
        "location"
    ]
    yield
    pattern.default_args["document_root"] = previous


@pytest.mark.parametrize("role", ["visitor", "buyer", "artist", "staff"])
def test_every_page_fits_a_phone_speaks_french_and_passes_axe(
    role, browser, live_server, served_media
):
    seed()

    failures = walk(browser, live_server.url, role)

    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
