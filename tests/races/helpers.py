"""Shared by the race suite: threads released at the same instant, each on
its own database connection, and the number of rounds to run."""

from __future__ import annotations

import os
import threading
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django_fsm import ConcurrentTransition
from rest_framework.test import APIClient

from marketplace.errors import Conflict, DomainError, PaymentDeclined

# What a request that lost a race (or was refused) raises. Anything else
# (a deadlock, an IntegrityError, a 500) is an error the tests report.
LOST = (Conflict, ConcurrentTransition, DomainError, PaymentDeclined)


def stress_rounds(default: int, *, share: int = 1) -> int:
    """How many rounds a race test runs: ``default`` in a normal run (CI),
    ``STRESS_ROUNDS // share`` under ``make stress`` (a parametrised test
    whose ``share`` cases split the stress rounds between them)."""
    value = os.environ.get("STRESS_ROUNDS", "").strip()
    if value:
        return max(int(value) // share, 1)
    return default


def run_together(*calls, timeout: float = 60):
    """Run ``calls`` in threads released at the same instant by a barrier.

    Returns, in order, ``("won", result)``, ``("lost", error)`` for a race
    lost or a refusal (``LOST``), or ``("error", error)`` for anything else.
    Each thread closes its own database connection.
    """
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = ("won", call())
        except LOST as error:
            results[index] = ("lost", error)
        except Exception as error:  # reported by the assertions
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, call), daemon=True)
        for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return results


def kinds(results) -> list[str]:
    return sorted(kind for kind, _value in results)


def errors(results) -> list:
    return [value for kind, value in results if kind == "error"]


@dataclass(frozen=True)
class Post:
    """One POST of a client: as ``user`` (None: anonymous)."""

    user: object
    path: str
    data: dict | None = None
    format: str = "json"
    headers: dict | None = None


def post_together(*posts: Post, timeout: float = 60) -> list:
    """Send ``posts`` at the same instant, one ``APIClient`` per thread (as
    a double click or two tabs do); returns the responses in order (or the
    exception a view raised, which the tests then report)."""
    clients = []
    for post in posts:
        client = APIClient()
        if post.user is not None:
            client.force_authenticate(post.user)
        clients.append(client)

    def call(client, post):
        return lambda: client.post(
            post.path, post.data or {}, format=post.format, headers=post.headers
        )

    results = run_together(
        *[call(c, p) for c, p in zip(clients, posts, strict=True)], timeout=timeout
    )
    return [value for _kind, value in results]


def statuses(responses) -> list:
    """The status codes, sorted (an exception shows as itself)."""
    return sorted((getattr(r, "status_code", r) for r in responses), key=str)


@dataclass
class Tally:
    """What a race test saw over its rounds (printed with ``-s``)."""

    name: str
    rounds: int = 0
    outcomes: Counter = field(default_factory=Counter)

    def add(self, *labels: str) -> None:
        self.rounds += 1
        for label in labels:
            self.outcomes[label] += 1

    def report(self) -> str:
        parts = ", ".join(
            f"{label}: {count}" for label, count in sorted(self.outcomes.items())
        )
        line = f"[races] {self.name}: {self.rounds} rounds ({parts})"
        print(line)
        return line
