from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api_urls")),
    path("", include("artists.api_urls")),
    path("", include("orders.api_urls")),
    path("", include("messaging.api_urls")),
    path("", include("returns.api_urls")),
    path("", include("reviews.api_urls")),
    path("", include("payouts.api_urls")),
]
