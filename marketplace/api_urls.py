from django.urls import include, path

urlpatterns = [
    path("", include("marketplace.accounts.api_urls")),
    path("", include("artists.api_urls")),
    path("", include("orders.api_urls")),
    path("", include("marketplace.messaging.api_urls")),
    path("", include("returns.api_urls")),
]
