"""Every page of every role, at 390 px and 1280 px, in English and French,
on the demo's data: nothing scrolls sideways, the console stays clean, no
English of the catalogue is left on a French page, and axe-core finds no
serious or critical accessibility violation.

A failure lists every problem found, one line each:
``[role size language] page (path): what failed``."""

import pytest

from demo.seed import seed
from tests.walk.walk import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("role", ["visitor", "buyer", "artist", "staff"])
def test_every_page_fits_a_phone_speaks_french_and_passes_axe(
    role, browser, live_server
):
    seed()

    failures = walk(browser, live_server.url, role)

    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
