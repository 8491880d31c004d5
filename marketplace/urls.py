from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from marketplace.storage import public_media


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico on every page that names no icon (the
    admin's, a PDF): send them to the static one (its hashed name)."""

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.ico")


urlpatterns = [
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("", include("artists.urls")),
    path("accounts/", include("accounts.urls")),
    path("account/returns/", include("accounts.return_urls")),
    path("account/", include("accounts.order_urls")),
    path("dashboard/", include("dashboard.urls")),
    path("messages/", include("messaging.urls")),
    path("", include("orders.urls")),
    path("", include("reviews.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("marketplace.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    # Public media only (shop and item photos); private files have their own views.
    re_path(r"^media/(?P<path>.*)$", public_media, name="media"),
]

# Errors: JSON {"detail"} under /api/, pages elsewhere; a database outage is
# a 503 with Retry-After (marketplace/responses.py, none touches the database).
handler400 = "marketplace.responses.bad_request"
handler404 = "marketplace.responses.page_not_found"
handler500 = "marketplace.responses.server_error"
