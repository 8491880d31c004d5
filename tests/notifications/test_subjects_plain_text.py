"""Email subjects are plain text: a shop or item name with an apostrophe or
an ampersand arrives as written, never as an HTML entity (issue 19, 6)."""

from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation

NAME = "L'Atelier d'Anaïs & Co <3"
SUBJECTS = sorted(
    path.name
    for path in (Path(__file__).resolve().parents[2] / "templates" / "emails").glob(
        "*_subject.txt"
    )
)


class Anything(dict):
    """A context in which every variable is ``NAME`` (and a count is 1)."""

    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        return 1 if key in ("count", "counter") else NAME

    def get(self, key, default=None):
        return self[key]


@pytest.mark.parametrize("name", SUBJECTS)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_subject_is_plain_text(name, language):
    with translation.override(language):
        subject = render_to_string(f"emails/{name}", Anything())
    assert "&#x27;" not in subject
    assert "&amp;" not in subject
    assert "&lt;" not in subject


def test_there_are_subjects_to_check():
    assert len(SUBJECTS) >= 30
