from django.conf import settings

SITE_NAME = getattr(settings, "SITE_NAME", "Atelier")


def site(request):
    """The site's name and address, for every page layout."""
    return {"SITE_NAME": SITE_NAME, "SITE_URL": settings.SITE_URL}
