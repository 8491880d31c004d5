"""The French translation is complete and used."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

# makemessages rewrites the catalogue for a moment: these tests run in one
# pytest-xdist process, one after the other.
pytestmark = pytest.mark.xdist_group("locale-catalogue")

PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def _entries(text: str):
    """(msgid, msgstr, flags) of every entry but the header, from a .po file."""
    for block in text.strip().split("\n\n")[1:]:
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        msgid, msgstr, current = [], [], None
        for line in lines:
            if line.startswith("msgid "):
                current = msgid
                msgid.append(line[6:].strip('"'))
            elif line.startswith("msgstr"):
                current = msgstr
                msgstr.append(line.split(" ", 1)[1].strip('"'))
            elif line.startswith('"') and current is not None:
                current[-1] += line.strip('"')
            elif line.startswith("msgid_plural"):
                current = None
        if msgid:
            yield "".join(msgid), msgstr, flags


def test_every_string_has_a_french_translation():
    missing = [
        msgid
        for msgid, msgstrs, flags in _entries(PO.read_text())
        if not all(msgstrs) or "fuzzy" in flags
    ]

    assert missing == []


def test_the_catalogue_covers_every_string_in_the_code(tmp_path):
    """makemessages finds no string that the catalogue lacks."""
    if not shutil.which("xgettext"):
        pytest.skip("needs GNU gettext")
    before = {msgid for msgid, _, _ in _entries(PO.read_text())}
    backup = PO.read_bytes()
    try:
        call_command(
            "makemessages",
            locale=["fr"],
            ignore_patterns=[".venv", "tests", "bench", "staticfiles"],
            no_obsolete=True,
            verbosity=0,
        )
        after = {msgid for msgid, _, _ in _entries(PO.read_text())}
    finally:
        PO.write_bytes(backup)

    assert sorted(after - before) == []


def test_compiled_catalogue_matches_the_source(tmp_path):
    """The committed .mo is compiled from the committed .po."""
    if not shutil.which("msgfmt"):
        pytest.skip("needs GNU gettext")
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(compiled), str(PO)], check=True
    )

    assert compiled.read_bytes() == PO.with_suffix(".mo").read_bytes()


def test_a_french_visitor_gets_french_pages(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.headers["Content-Language"] == "fr"
    assert (
        "Se connecter" in response.content.decode()
        or "Connexion" in response.content.decode()
    )
