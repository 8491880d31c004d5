"""Production settings pass Django's deployment checklist and every response
carries the security headers (CSP, HSTS, nosniff, frame denial).

The production values are read from a separate process started with the
environment of a real deployment (``DEBUG=0``, a long random ``SECRET_KEY``),
so the tests prove what ``marketplace/settings.py`` gives in production, not
a copy of it.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What a deployment sets; everything else comes from the settings' defaults.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "marketplace.example",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}

HEADER_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
]


def run_manage(
    *args: str, extra_env: dict | None = None
) -> subprocess.CompletedProcess:
    env = {**os.environ, **PRODUCTION_ENV, **(extra_env or {})}
    # The production defaults, not a developer's or the test run's overrides.
    for name in ("SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    return subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def production_settings() -> dict:
    """The header-related settings as a production process sees them."""
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {HEADER_SETTINGS!r}}}))"
    )
    result = run_manage("shell", "-c", script)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


class TestDeploymentChecklist:
    def test_check_deploy_reports_no_issue_with_production_settings(self):
        result = run_manage("check", "--deploy", "--fail-level", "WARNING")

        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues" in result.stdout

    def test_a_weak_secret_key_stops_the_site_before_the_checklist(self):
        # Issue 19: a warning (security.W009) was not enough; the settings
        # refuse the key before any check runs.
        result = run_manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            extra_env={"SECRET_KEY": "short"},
        )

        assert result.returncode != 0
        assert "SECRET_KEY is missing or weak while DEBUG is off" in result.stderr

    @pytest.mark.parametrize(
        "cache_env",
        [
            {"CACHE_URL": "locmemcache://"},
            {"CACHE_URL": "dummycache://"},
            # Neither a cache nor a broker: the in-process development default.
            {"CACHE_URL": "", "CELERY_BROKER_URL": ""},
        ],
    )
    def test_check_deploy_fails_with_an_error_when_the_cache_is_in_process(
        self, cache_env
    ):
        # Issue 18: a warning let a multi-process site count its rate limits
        # per process; with DEBUG off it is an error, at the default level.
        result = run_manage("check", "--deploy", extra_env=cache_env)

        assert result.returncode != 0
        assert "marketplace.E001" in result.stderr
        assert "ERRORS:" in result.stderr

    def test_check_deploy_passes_with_a_redis_broker_and_no_cache_url(self):
        # The default cache is then the broker's Redis (another database).
        result = run_manage(
            "check",
            "--deploy",
            extra_env={
                "CACHE_URL": "",
                "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
            },
        )

        assert result.returncode == 0, result.stdout + result.stderr
        assert "marketplace." not in result.stdout + result.stderr

    def test_production_turns_on_https_only_cookies_and_hsts(self, production_settings):
        assert production_settings["DEBUG"] is False
        assert production_settings["SECURE_SSL_REDIRECT"] is True
        assert production_settings["SESSION_COOKIE_SECURE"] is True
        assert production_settings["CSRF_COOKIE_SECURE"] is True
        assert production_settings["SECURE_HSTS_SECONDS"] >= 31_536_000
        assert production_settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


@pytest.fixture
def production_headers(settings, production_settings):
    """This test process answers with the production header settings (the
    database, storage and DEBUG-only tools stay those of the tests)."""
    for name, value in production_settings.items():
        if name == "DEBUG":
            continue
        if name == "SECURE_PROXY_SSL_HEADER" and value is not None:
            value = tuple(value)
        setattr(settings, name, value)
    settings.ALLOWED_HOSTS = [PRODUCTION_ENV["ALLOWED_HOSTS"]]
    return production_settings


PAGES = [
    "catalog:home",
    "catalog:artists",
    "cart:cart",
    "accounts:login",
    "accounts:signup",
    "admin:login",
    "api-docs",
    "api-schema",
]


@pytest.mark.django_db
class TestSecurityHeaders:
    @pytest.mark.parametrize("url_name", PAGES)
    def test_every_page_carries_csp_hsts_nosniff_and_frame_denial(
        self, client, production_headers, url_name
    ):
        from django.urls import reverse

        response = client.get(
            reverse(url_name), secure=True, HTTP_HOST="marketplace.example"
        )

        assert response.status_code == 200
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
        assert "frame-ancestors 'none'" in csp
        assert response["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "includeSubDomains" in response["Strict-Transport-Security"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"

    def test_plain_http_is_redirected_to_https(self, client, production_headers):
        response = client.get("/", HTTP_HOST="marketplace.example")

        assert response.status_code == 301
        assert response["Location"] == "https://marketplace.example/"

    def test_login_sets_secure_httponly_session_cookie(
        self, client, production_headers
    ):
        from tests.factories import UserFactory

        UserFactory(username="secure-buyer", password="a-long-secret-2026")

        from django.urls import reverse

        response = client.post(
            reverse("accounts:login"),
            {"username": "secure-buyer", "password": "a-long-secret-2026"},
            secure=True,
            HTTP_HOST="marketplace.example",
        )

        assert response.status_code == 302
        cookie = response.cookies["sessionid"]
        assert cookie["secure"]
        assert cookie["httponly"]

    def test_api_answers_carry_the_csp_too(self, client, production_headers):
        response = client.get(
            "/api/v1/items/", secure=True, HTTP_HOST="marketplace.example"
        )

        assert response.status_code in (200, 401)
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
class TestApiDocsWorkOfflineUnderTheCsp:
    def test_docs_page_loads_swagger_from_this_site_not_a_cdn(self, client):
        response = client.get("/api/docs/")

        html = response.content.decode()
        assert response.status_code == 200
        assert "cdn" not in html.lower()
        assert (
            "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
            in html
        )
        # The initialisation script is a separate request, not inline.
        assert "<script>" not in html.replace(" ", "")

    def test_docs_initialisation_script_is_served_as_javascript(self, client):
        response = client.get("/api/docs/?script=")

        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/javascript")
        assert b"SwaggerUIBundle" in response.content


@pytest.mark.parametrize(
    "secret_key",
    [
        None,  # unset: the development key published in the repository
        "",
        "short-but-random-8c1f",
        "a" * 80,  # long, but a single character
        "django-insecure-" + "x1y2z3" * 10,
    ],
)
def test_the_site_refuses_to_start_with_debug_off_and_a_weak_secret_key(secret_key):
    env = {**os.environ, **PRODUCTION_ENV}
    env.pop("SECRET_KEY")
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    result = subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is missing or weak while DEBUG is off" in result.stderr


def test_a_long_random_secret_key_starts():
    result = run_manage("check")
    assert result.returncode == 0, result.stderr
