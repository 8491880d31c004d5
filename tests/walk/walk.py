"""The walk: every page of a role, at a phone's width and a laptop's, in
English and in French, each problem reported as one line naming the role,
the size, the language, the page and what failed.

One logged-in browser context per size and language (the login is done once
and its cookies reused); the language is the user's own setting, switched
between the passes, or the browser's for a visitor."""

from accounts.models import User
from tests.walk.checks import (
    AXE_FULL,
    AXE_WITHOUT_CONTRAST,
    PageWatch,
    axe_problems,
    overflow_problems,
    translation_problems,
)
from tests.walk.pages import PAGES, USERNAMES, user_content

PASSWORD = "demo-pass-2026"  # noqa: S105 - demo.seed.PASSWORD
SIZES = {
    "390px": {"width": 390, "height": 844},
    "1280px": {"width": 1280, "height": 800},
}
LANGUAGES = {"en": "en-GB", "fr": "fr-FR"}
# axe-core per pass: everything once (contrast included) at the large size,
# every rule but contrast at the phone's; a language each, both sizes.
AXE_RUNS = {("1280px", "en"): AXE_FULL, ("390px", "fr"): AXE_WITHOUT_CONTRAST}


def log_in(browser, base_url: str, username: str) -> dict:
    """The cookies of a session of ``username``, logged in through the form."""
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    form = page.get_by_test_id("login-form")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        form.get_by_role("button", name="Log in").click()
    state = context.storage_state()
    context.close()
    return state


def walk(browser, base_url: str, role: str) -> list[str]:
    """Every problem found on the pages of ``role`` (see tests.walk.pages)."""
    pages = PAGES[role]()
    names, sentences = user_content()
    username = USERNAMES[role]
    if username:
        User.objects.filter(username=username).update(language="en")
    state = log_in(browser, base_url, username) if username else None
    failures = []
    for language, locale in LANGUAGES.items():
        if username:
            User.objects.filter(username=username).update(language=language)
        for size, viewport in SIZES.items():
            context = browser.new_context(
                viewport=viewport, locale=locale, storage_state=state
            )
            page = context.new_page()
            watch = PageWatch()
            watch.attach(page)
            for visited in pages:
                problems = visit(
                    page,
                    f"{base_url}{visited.path}",
                    watch=watch,
                    french=language == "fr",
                    axe=AXE_RUNS.get((size, language)),
                    names=names,
                    sentences=sentences,
                )
                failures += [
                    f"[{role} {size} {language}] {visited.name} ({visited.path}): {problem}"
                    for problem in problems
                ]
            context.close()
    return failures


def visit(page, url: str, *, watch, french: bool, axe, names, sentences) -> list[str]:
    watch.clear()
    response = page.goto(url)
    if response is None or response.status >= 400:
        return [f"answered HTTP {response.status if response else '?'}"]
    problems = overflow_problems(page)
    # The page's own errors, before axe: reading the stylesheets, axe-core
    # fetches their @import relative to the page and logs a 404 of its own.
    problems += watch.errors
    if french:
        problems += translation_problems(page, names=names, sentences=sentences)
    if axe is not None:
        problems += axe_problems(page, options=axe)
    return problems
