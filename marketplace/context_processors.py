from django.conf import settings


def site(request):
    """Values every page layout needs: the site name and the cart size."""
    from orders.selectors import cart_size_for_request

    return {
        "SITE_NAME": "Atelier",
        "SITE_URL": settings.SITE_URL,
        "cart_size": cart_size_for_request(request),
    }
