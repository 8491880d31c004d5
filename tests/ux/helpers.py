"""Helpers of the page layout tests: a logged-in browser page at a phone's
width, and whether a page scrolls sideways there (with the elements that
stick out, to say which)."""

from tests.journeys.test_lifecycle_journey import log_in

PHONE = {"width": 390, "height": 844}

# The page's width against the window's, and the elements whose right edge
# passes the window's (the first few, with their class and text).
MEASURE = """() => {
  const inner = window.innerWidth;
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > inner + 1 && out.length < 6) {
      const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
      out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.right)}px "${text}"`);
    }
  }
  return [document.documentElement.scrollWidth, inner, out];
}"""


def phone_page(browser, live_server, username):
    """A fresh browser page logged in as ``username``, 390 × 844 px."""
    page = log_in(browser, live_server, username)
    page.set_viewport_size(PHONE)
    return page


def assert_fits(page, url):
    """Open ``url``: it must not scroll sideways (scrollWidth <= innerWidth)."""
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    scroll_width, inner_width, sticking_out = page.evaluate(MEASURE)
    assert scroll_width <= inner_width, (
        f"{url} is {scroll_width} px wide in a {inner_width} px window: {sticking_out}"
    )
