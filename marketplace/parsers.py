"""The API's JSON parser: DRF's, refusing with a 400 what it lets through.

- Deep nesting: Python's json raises RecursionError on about a thousand
  nested arrays (4 KB of ``[``), which DRF's parser does not catch (a 500);
  and no body of api.md nests deeper than a few levels, so anything beyond
  ``MAX_DEPTH`` is refused too.
- NUL bytes in strings (keys or values): PostgreSQL refuses them in text.

Every view uses it: it is DRF's default parser (settings.REST_FRAMEWORK), and
views naming their parsers import this one (tests/hostile/test_inputs.py
checks every route).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


def check_structure(data, *, max_depth: int = MAX_DEPTH) -> None:
    """Refuse ``data`` nested deeper than ``max_depth`` or holding a NUL byte.

    Walked with a stack, not recursion, so that it cannot overflow itself.

    :raises ParseError: with a message saying which.
    """
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise ParseError(_("JSON strings cannot contain a NUL character."))
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > max_depth:
            raise ParseError(
                _("JSON nested deeper than %(max)s levels is not accepted.")
                % {"max": max_depth}
            )
        if isinstance(value, dict):
            stack.extend((key, depth) for key in value)
            stack.extend((item, depth + 1) for item in value.values())
        else:
            stack.extend((item, depth + 1) for item in value)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(
                _("JSON nested deeper than %(max)s levels is not accepted.")
                % {"max": MAX_DEPTH}
            ) from None
        check_structure(data)
        return data
