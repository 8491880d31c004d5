"""No template of ours has an inline script or an inline event handler: the
Content-Security-Policy (script-src 'self') would block it in the browser.
Behaviours belong in static/js/site.js. A new template cannot escape this
test: it reads every template under templates/ (emails excepted: they are
not served to browsers and mail clients run no script)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path
    for path in (ROOT / "templates").rglob("*.html")
    if "emails" not in path.relative_to(ROOT / "templates").parts
)
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I
)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"(?:href|src|action)\s*=\s*[\"']\s*javascript:", re.I)


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 10


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_has_no_inline_script_event_handler_or_javascript_url(path):
    text = path.read_text()

    assert not INLINE_SCRIPT.search(text), (
        "inline <script>: move it to static/js/site.js"
    )
    assert not EVENT_HANDLER.search(text), (
        "inline on...= handler: use addEventListener in static/js/site.js"
    )
    assert not JAVASCRIPT_URL.search(text), "javascript: URL"


def test_base_page_loads_the_site_script_from_static():
    base = (ROOT / "templates" / "base.html").read_text()

    assert "{% static 'js/site.js' %}" in base
    assert (ROOT / "static" / "js" / "site.js").exists()
