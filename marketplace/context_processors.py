from django.conf import settings

from marketplace import pagecache

SITE_NAME = getattr(settings, "SITE_NAME", "Atelier")


def header_version_keys(request) -> list[tuple[str, object]]:
    """The ``marketplace.pagecache`` versions of what the page header counts
    for ``request``'s visitor (unread messages, pieces in the cart)."""
    from orders.selectors import cart_version_key

    user = getattr(request, "user", None)
    keys = [("inbox", user.pk)] if user is not None and user.is_authenticated else []
    cart = cart_version_key(request)
    if cart is not None:
        keys.append(cart)
    return keys


def header_counts(request) -> dict:
    """``unread`` (all of the user's messages and its shop's) and ``cart``
    (pieces in the cart), kept in the cache until a message, read state or
    cart line of the visitor changes: one cache read on most pages."""
    from marketplace.messaging.selectors import unread_counts
    from orders.selectors import cart_size_for_request

    cached = getattr(request, "_header_counts", None)
    if cached is not None:
        return cached
    keys = header_version_keys(request)
    if not keys:
        counts = {"unread": {"total": 0, "shop": 0}, "cart": 0}
    else:
        user = request.user

        def count() -> dict:
            unread = (
                unread_counts(user=user) if user.is_authenticated else {"total": 0, "shop": 0}
            )
            return {"unread": unread, "cart": cart_size_for_request(request)}

        identity = f"u{user.pk}" if user.is_authenticated else keys[-1][1]
        key = f"pagecache:header:{identity}:{pagecache.versions(*keys, request=request)}"
        counts = pagecache.cached(key, count)
    request._header_counts = counts
    return counts


def site(request):
    """Values every page layout needs: the site name, the cart size and the
    unread message counts."""
    counts = header_counts(request)
    return {
        "SITE_NAME": SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "cart_size": counts["cart"],
        "unread_messages": counts["unread"]["total"],
        "unread_shop_messages": counts["unread"]["shop"],
    }
