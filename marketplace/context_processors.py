from django.conf import settings

SITE_NAME = getattr(settings, "SITE_NAME", "Atelier")


def site(request):
    """Values every page layout needs: the site name, the cart size and the
    unread message counts."""
    from marketplace.messaging.selectors import unread_counts
    from orders.selectors import cart_size_for_request

    user = getattr(request, "user", None)
    unread = (
        unread_counts(user=user)
        if user is not None and user.is_authenticated
        else {"total": 0, "shop": 0}
    )
    return {
        "SITE_NAME": SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "cart_size": cart_size_for_request(request),
        # Unread messages (one query): all of the user's, and its shop's.
        "unread_messages": unread["total"],
        "unread_shop_messages": unread["shop"],
    }
