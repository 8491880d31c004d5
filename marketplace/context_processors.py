from django.conf import settings

SITE_NAME = getattr(settings, "SITE_NAME", "Atelier")


def site(request):
    """Values every page layout needs: the site name and the cart size."""
    from orders.selectors import cart_size_for_request

    return {
        "SITE_NAME": SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "cart_size": cart_size_for_request(request),
    }
