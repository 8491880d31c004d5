"""Periodic jobs for testing the job runner (marketplace.jobs)."""

CALLS = []


def first_job():
    CALLS.append("first")
    return 2


def broken_job():
    CALLS.append("broken")
    raise RuntimeError("this job always fails")


def last_job():
    CALLS.append("last")
    return 0
