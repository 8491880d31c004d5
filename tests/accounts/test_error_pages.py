import pytest
from django.template.loader import render_to_string
from django.test import override_settings

pytestmark = pytest.mark.django_db


class TestErrorPages:
    def test_an_unknown_address_shows_the_site_404_page(self, client):
        response = client.get("/no-such-page-here/")

        assert response.status_code == 404
        page = response.content.decode()
        assert "We could not find this page" in page
        assert 'class="site-header"' in page

    def test_the_500_page_renders_without_a_request_or_context_processors(self):
        page = render_to_string("500.html")

        assert "Something went wrong on our side" in page
        assert "<html" in page

    @override_settings(LANGUAGE_CODE="en")
    def test_the_403_page_offers_to_log_in(self, rf):
        from django.contrib.auth.models import AnonymousUser
        from django.contrib.sessions.backends.db import SessionStore
        from django.core.exceptions import PermissionDenied
        from django.views.defaults import permission_denied

        request = rf.get("/dashboard/")
        request.user = AnonymousUser()
        request.session = SessionStore()

        response = permission_denied(request, PermissionDenied())

        assert response.status_code == 403
        assert "/accounts/login/?next=/dashboard/" in response.content.decode()
