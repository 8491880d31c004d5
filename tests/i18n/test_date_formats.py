"""Every date is written with the month's name, in both languages: never
"12/07/2026", which an English reader takes for 7 December and a French
one for 12 July (marketplace/formats/)."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

# 13:00 in Paris, the marketplace's time zone.
NOON_UTC = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "name", "expected"),
    [
        ("en", "DATE_FORMAT", "7 December 2026"),
        ("fr", "DATE_FORMAT", "7 décembre 2026"),
        ("en", "SHORT_DATE_FORMAT", "7 Dec 2026"),
        ("fr", "SHORT_DATE_FORMAT", "7 déc. 2026"),
        ("en", "DATETIME_FORMAT", "7 December 2026, 13:00"),
        ("fr", "DATETIME_FORMAT", "7 décembre 2026 13:00"),
        ("en", "SHORT_DATETIME_FORMAT", "7 Dec 2026, 13:00"),
        ("fr", "SHORT_DATETIME_FORMAT", "7 déc. 2026 13:00"),
    ],
)
def test_every_format_names_the_month_in_local_time(language, name, expected):
    template = Template("{{ when|date:name }}")

    with translation.override(language):
        text = template.render(Context({"when": NOON_UTC, "name": name}))

    assert text == expected


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_date_without_a_format_is_written_the_same_way(language):
    with translation.override(language):
        text = Template("{{ when }}").render(Context({"when": NOON_UTC.date()}))

    assert text == {"en": "7 December 2026", "fr": "7 décembre 2026"}[language]
