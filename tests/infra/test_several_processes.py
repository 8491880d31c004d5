"""With several web processes, as in the README's production example
(gunicorn with several workers, no shared cache), every process answers
from the database: a page is never older than the last change, whichever
process serves it."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.db import connection
from django.test import Client

from orders.services import artist_order_accept
from tests.conftest import ROOT, _database_url
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WEB_PROCESSES = 3
RELOADS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def site():
    """gunicorn with several sync workers on the test database, configured
    as the README's production example leaves it (no CACHE_URL)."""
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
        ),
    }
    for key in ("CACHE_URL", "CELERY_BROKER_URL"):
        environment.pop(key, None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "marketplace.wsgi",
            "-w",
            str(WEB_PROCESSES),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=15)


def test_every_reload_after_the_artist_accepts_shows_the_order_accepted(site):
    buyer = UserFactory(username="camille", email="camille@example.com")
    artist = make_artist("potter")
    artist_order = make_artist_order(buyer=buyer, artist=artist)
    client = Client()
    client.force_login(buyer)
    cookie = client.cookies["sessionid"].value
    url = f"{site}/account/orders/{artist_order.order.number}/"

    def shown_state() -> str:
        request = urllib.request.Request(  # noqa: S310 - the local test server
            url, headers={"Cookie": f"sessionid={cookie}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            html = response.read().decode()
        block = re.search(rf'id="ao-{artist_order.pk}"[^>]*data-state="(\w+)"', html)
        return block.group(1) if block else "not shown"

    before = [shown_state() for _ in range(WEB_PROCESSES * 2)]
    artist_order_accept(artist_order=artist_order, by=artist.user)
    after = [shown_state() for _ in range(RELOADS)]

    assert set(before) == {"awaiting_acceptance"}
    assert after == ["accepted"] * RELOADS
