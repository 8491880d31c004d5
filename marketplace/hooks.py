"""Hooks: how a lower app lets a higher one act, without importing it.

The lower app declares a hook in its ``hooks.py`` and calls it where the
thing happens, inside its own transaction (``orders.hooks.refund_paid`` is
called when the provider has paid a refund). A higher app registers one
function per hook in its ``AppConfig.ready`` (``returns`` emails the buyer
whose return it was). Functions run in the order they were registered, at
once and in the caller's transaction: an exception reaches the caller, so
what a hook writes is written with the change or not at all.
"""

from __future__ import annotations

from collections.abc import Callable


class Hook:
    """A named point where registered functions are called with keyword
    arguments; the call returns their results, in registration order."""

    def __init__(self, name: str):
        self.name = name
        self._functions: list[Callable] = []

    def __repr__(self):
        return f"<Hook {self.name}: {len(self._functions)} registered>"

    def register(self, function: Callable) -> Callable:
        """Add ``function`` (once, whatever the number of calls)."""
        if function not in self._functions:
            self._functions.append(function)
        return function

    def __call__(self, **kwargs) -> list:
        return [function(**kwargs) for function in self._functions]
