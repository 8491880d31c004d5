"""python manage.py run_due_jobs: every periodic job once, one failure does
not stop the others."""

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from marketplace import jobs
from tests.notifications import jobs_for_tests


@pytest.fixture
def test_jobs(settings):
    jobs_for_tests.CALLS.clear()
    settings.DUE_JOBS = [
        "tests.notifications.jobs_for_tests.first_job",
        "tests.notifications.jobs_for_tests.broken_job",
        "no_such_app.jobs.missing_job",
        "tests.notifications.jobs_for_tests.last_job",
    ]
    return jobs_for_tests.CALLS


@pytest.mark.django_db
def test_run_due_jobs_runs_every_job_and_reports_failures(test_jobs, capsys):
    call_command("run_due_jobs")

    output = capsys.readouterr().out
    assert test_jobs == ["first", "broken", "last"]
    assert "tests.notifications.jobs_for_tests.first_job: 2" in output
    assert "tests.notifications.jobs_for_tests.broken_job: -1" in output
    assert "no_such_app.jobs.missing_job: -1" in output
    assert "tests.notifications.jobs_for_tests.last_job: 0" in output


@pytest.mark.django_db
def test_the_beat_task_runs_the_same_jobs(test_jobs):
    result = jobs.run_due_jobs.apply().get()

    assert test_jobs == ["first", "broken", "last"]
    assert result["tests.notifications.jobs_for_tests.first_job"] == 2


@pytest.mark.django_db
def test_the_default_jobs_include_the_notification_sweep():
    assert (
        "marketplace.notifications.services.sweep_pending" in django_settings.DUE_JOBS
    )
