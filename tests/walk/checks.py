"""What the walk checks on every page it opens, each problem as one line a
person can act on: the page answers, nothing scrolls sideways, the console
stays clean, a French page has no English of the catalogue left, and axe-core
finds no serious or critical accessibility violation."""

from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe

from tests.walk.catalogue import untranslated

AXE = Axe()
BLOCKING_IMPACTS = {"serious", "critical"}
# Colour contrast is most of axe's time and does not change with the width:
# it runs once per page (at the large size), every other rule at both sizes.
AXE_FULL = {"resultTypes": ["violations"]}
AXE_WITHOUT_CONTRAST = {
    "resultTypes": ["violations"],
    "rules": {"color-contrast": {"enabled": False}},
}

# Outermost elements that reach past the right edge of the window.
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return null;
  const describe = el => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += '#' + el.id;
    const test = el.getAttribute('data-testid');
    if (test) text += '[data-testid=' + test + ']';
    if (el.classList.length) text += '.' + [...el.classList].slice(0, 3).join('.');
    return text;
  };
  const wide = el => el.getBoundingClientRect().right > width + 1;
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!wide(el) || (el.parentElement && wide(el.parentElement))) continue;
    found.push(describe(el) + ' ' + Math.round(el.getBoundingClientRect().width) + 'px');
    if (found.length === 4) break;
  }
  return {scrollWidth, width, found};
}"""

# Every text of the page in the page's own language (an element marked
# lang="en", like the language switcher's "EN", says it is English on purpose),
# as text nodes and as the text of small elements ("by <a>Atelier</a>"),
# with the words of placeholders, labels and alternative texts.
TEXTS_JS = """() => {
  const lang = document.documentElement.lang;
  const ownLanguage = el => { const marked = el.closest('[lang]'); return !marked || marked.lang === lang; };
  const skip = el => el.closest('script, style, noscript, template, code, pre');
  const texts = new Set();
  const add = (el, text) => {
    text = (text || '').replace(/\\s+/g, ' ').trim();
    if (text && text.length < 400 && ownLanguage(el) && !skip(el)) texts.add(text);
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) add(walker.currentNode.parentElement, walker.currentNode.textContent);
  for (const el of document.body.querySelectorAll(
      'p, li, td, th, dt, dd, label, legend, button, a, h1, h2, h3, h4, h5, h6, caption, summary, option, span, small, strong')) {
    if (el.querySelectorAll('*').length <= 6) add(el, el.textContent);
  }
  for (const el of document.body.querySelectorAll('[placeholder], [aria-label], [title], [alt], input[type=submit], input[type=button]')) {
    for (const name of ['placeholder', 'aria-label', 'title', 'alt']) add(el, el.getAttribute(name));
    if (el.type === 'submit' || el.type === 'button') add(el, el.value);
  }
  add(document.documentElement, document.title);
  return [...texts];
}"""


@dataclass
class PageWatch:
    """The console errors and uncaught exceptions of a page since ``clear``."""

    errors: list = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", self._console)
        page.on(
            "pageerror", lambda error: self.errors.append(f"JavaScript error: {error}")
        )
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e =>"
            " console.error('Content Security Policy violation: '"
            " + e.violatedDirective + ' ' + e.blockedURI));"
        )

    def clear(self) -> None:
        self.errors.clear()

    def _console(self, message) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        self.errors.append(
            f"console error: {message.text}" + (f" ({where})" if where else "")
        )


def overflow_problems(page) -> list[str]:
    wide = page.evaluate(OVERFLOW_JS)
    if wide is None:
        return []
    return [
        f"scrolls sideways: {wide['scrollWidth']} px wide in a "
        f"{wide['width']} px window (widest: {', '.join(wide['found']) or '?'})"
    ]


def translation_problems(page, *, names, sentences) -> list[str]:
    english = untranslated(page.evaluate(TEXTS_JS), names=names, sentences=sentences)
    return [
        f"English on a French page: {text!r} (the catalogue has {french!r})"
        for text, french in english
    ]


def axe_problems(page, *, options) -> list[str]:
    results = AXE.run(page, options=options)
    problems = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in BLOCKING_IMPACTS:
            continue
        nodes = violation["nodes"]
        example = nodes[0]["target"] if nodes else ""
        problems.append(
            f"axe {violation['id']} ({violation['impact']}): {violation['help']}"
            f" — {len(nodes)} element(s), e.g. {example}"
        )
    return problems
