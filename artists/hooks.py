"""What the artists app lets higher apps add to its public pages
(``marketplace.hooks``): they register in their ``AppConfig.ready``."""

from marketplace.hooks import Hook

#: The item page is being shown: called with ``request`` and ``item``; each
#: function returns a ``PageSection`` to show under the item, or None.
#: ``reviews`` shows the item's reviews.
item_page_sections = Hook("artists.item_page_sections")

#: The shop page is being shown: called with ``request`` and ``artist``;
#: each function returns a ``PageSection`` or None. ``reviews`` shows the
#: shop's reviews.
shop_page_sections = Hook("artists.shop_page_sections")


class PageSection:
    """A block of a public page: ``template`` rendered with ``context``
    (added to the page's own)."""

    def __init__(self, template: str, context: dict):
        self.template = template
        self.context = context


def sections(hook: Hook, **kwargs) -> list[PageSection]:
    """What the functions registered on ``hook`` return, Nones left out."""
    return [section for section in hook(**kwargs) if section is not None]
