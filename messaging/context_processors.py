"""The unread counts of the page header and of the dashboard's menu."""

from django.utils.functional import SimpleLazyObject

from .selectors import unread_counts


def unread_messages(request):
    """``unread_messages`` (every thread of the visitor) and
    ``unread_shop_messages`` (its shop's threads), counted together in one
    query when a page first shows either; pages that show neither, and the
    API, ask nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_messages": 0, "unread_shop_messages": 0}
    counts = SimpleLazyObject(lambda: unread_counts(user=user))
    return {
        "unread_messages": SimpleLazyObject(lambda: counts["total"]),
        "unread_shop_messages": SimpleLazyObject(lambda: counts["shop"]),
    }
