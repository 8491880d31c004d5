from django.urls import path

from . import api

urlpatterns = [
    path("cart/", api.CartView.as_view(), name="api-cart"),
    path("cart/lines/", api.CartLinesView.as_view(), name="api-cart-lines"),
    path("cart/lines/<int:pk>/", api.CartLineDetailView.as_view(), name="api-cart-line"),
    path("cart/discount/", api.CartDiscountView.as_view(), name="api-cart-discount"),
    path("checkout/", api.CheckoutView.as_view(), name="api-checkout"),
    path("orders/", api.OrderListView.as_view(), name="api-orders"),
    path("orders/<str:number>/", api.OrderDetailView.as_view(), name="api-order"),
    path("artist-orders/", api.ArtistOrderListView.as_view(), name="api-artist-orders"),
    path(
        "artist-orders/<int:pk>/",
        api.ArtistOrderDetailView.as_view(),
        name="api-artist-order",
    ),
]
