"""Every page names the site's icon, and /favicon.ico (which browsers ask
for on pages that name none, like the admin's) leads to it instead of a
404."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_static_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response.url == static("favicon.ico")
    assert finders.find("favicon.ico")


def test_pages_name_the_icon(client):
    html = client.get("/").content.decode()

    assert f'<link rel="icon" href="{static("favicon.svg")}"' in html
    assert finders.find("favicon.svg")
