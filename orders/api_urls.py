from django.urls import path

from . import api, api_actions, change_api, receipt_api

urlpatterns = [
    path("cart/", api.CartView.as_view(), name="api-cart"),
    path("cart/lines/", api.CartLinesView.as_view(), name="api-cart-lines"),
    path(
        "cart/lines/<int:pk>/", api.CartLineDetailView.as_view(), name="api-cart-line"
    ),
    path("cart/discount/", api.CartDiscountView.as_view(), name="api-cart-discount"),
    path("checkout/", api.CheckoutView.as_view(), name="api-checkout"),
    path("orders/", api.OrderListView.as_view(), name="api-orders"),
    path("orders/<str:number>/", api.OrderDetailView.as_view(), name="api-order"),
    path(
        "orders/<str:number>/cancel/",
        api.OrderCancelView.as_view(),
        name="api-order-cancel",
    ),
    path(
        "orders/<str:number>/receipt/",
        receipt_api.OrderReceiptView.as_view(),
        name="api-order-receipt",
    ),
    path("artist-orders/", api.ArtistOrderListView.as_view(), name="api-artist-orders"),
    path(
        "artist-orders/<int:pk>/",
        change_api.ArtistOrderDetailChangeView.as_view(),
        name="api-artist-order",
    ),
    path(
        "artist-orders/<int:pk>/accept/",
        api.ArtistOrderAcceptView.as_view(),
        name="api-artist-order-accept",
    ),
    path(
        "artist-orders/<int:pk>/refuse/",
        api.ArtistOrderRefuseView.as_view(),
        name="api-artist-order-refuse",
    ),
    path(
        "artist-orders/<int:pk>/ship/",
        api.ArtistOrderShipView.as_view(),
        name="api-artist-order-ship",
    ),
    path(
        "artist-orders/<int:pk>/cancel/",
        api.ArtistOrderCancelView.as_view(),
        name="api-artist-order-cancel",
    ),
    path(
        "artist-orders/<int:pk>/confirm-delivery/",
        api.ArtistOrderConfirmDeliveryView.as_view(),
        name="api-artist-order-confirm-delivery",
    ),
    path(
        "artist-orders/<int:pk>/report-not-received/",
        api.ArtistOrderReportNotReceivedView.as_view(),
        name="api-artist-order-report-not-received",
    ),
    path(
        "artist-orders/<int:pk>/reship/",
        api.ArtistOrderReshipView.as_view(),
        name="api-artist-order-reship",
    ),
    path(
        "artist-orders/<int:pk>/refund-lost/",
        api.ArtistOrderRefundLostView.as_view(),
        name="api-artist-order-refund-lost",
    ),
    path(
        "artist-orders/<int:pk>/cancellation-request/withdraw/",
        api_actions.ArtistOrderWithdrawCancellationView.as_view(),
        name="api-artist-order-withdraw-cancellation",
    ),
    path(
        "artist-orders/<int:pk>/refused-at-customs/",
        api_actions.ArtistOrderRefusedAtCustomsView.as_view(),
        name="api-artist-order-refused-at-customs",
    ),
]
