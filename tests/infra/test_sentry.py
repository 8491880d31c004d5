"""Errors go to Sentry only when SENTRY_DSN is set (issue 18)."""

import os
import subprocess
import sys
from unittest import mock

from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from marketplace import sentry
from tests.conftest import ROOT

DSN = "https://public@sentry.example/42"


def test_with_a_dsn_the_sdk_starts_with_django_and_celery_and_no_personal_data():
    with mock.patch.object(sentry.sentry_sdk, "init") as init:
        started = sentry.init_sentry(DSN, environment="staging", release="1.4.0")

    assert started is True
    options = init.call_args.kwargs
    assert options["dsn"] == DSN
    assert options["send_default_pii"] is False
    assert options["environment"] == "staging"
    assert options["release"] == "1.4.0"
    kinds = {type(integration) for integration in options["integrations"]}
    assert kinds == {DjangoIntegration, CeleryIntegration}


def test_without_a_dsn_the_sdk_is_never_started():
    with mock.patch.object(sentry.sentry_sdk, "init") as init:
        started = sentry.init_sentry("")

    assert started is False
    init.assert_not_called()


def sentry_active_in_a_process(**environment: str) -> str:
    env = {**os.environ, **environment}
    if "SENTRY_DSN" not in environment:
        env.pop("SENTRY_DSN", None)
    script = (
        "import sentry_sdk; client = sentry_sdk.get_client(); "
        "print(client.is_active(), client.options['dsn'], "
        "client.options['send_default_pii'])"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_site_starts_sentry_from_sentry_dsn_and_not_without_it():
    # The DSN points nowhere reachable; nothing is captured in this process.
    assert sentry_active_in_a_process(SENTRY_DSN=DSN) == f"True {DSN} False"
    assert sentry_active_in_a_process().startswith("False")
