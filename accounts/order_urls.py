"""The buyer's orders, under ``/account/`` (namespace ``account``)."""

from django.urls import path

from orders.views import personalisation_photo

from .views import changes, order_requests, orders, receipts

app_name = "account"

urlpatterns = [
    path("orders/", orders.order_list, name="orders"),
    path("orders/<str:number>/", orders.order_detail, name="order"),
    path("orders/<str:number>/cancel/", orders.order_cancel, name="order_cancel"),
    path("orders/<str:number>/receipt/", receipts.order_receipt, name="order_receipt"),
    path(
        "orders/<str:number>/receipt.pdf",
        receipts.order_receipt_pdf,
        name="order_receipt_pdf",
    ),
    path(
        "orders/<str:number>/parts/<int:pk>/cancel/",
        orders.artist_order_cancel,
        name="artist_order_cancel",
    ),
    path(
        "orders/<str:number>/parts/<int:pk>/change/",
        changes.artist_order_change,
        name="artist_order_change",
    ),
    path(
        "orders/<str:number>/parts/<int:pk>/confirm-delivery/",
        orders.artist_order_confirm_delivery,
        name="artist_order_confirm_delivery",
    ),
    path(
        "orders/<str:number>/parts/<int:pk>/not-received/",
        orders.artist_order_report_not_received,
        name="artist_order_report_not_received",
    ),
    path(
        "orders/<str:number>/parts/<int:pk>/cancellation-request/withdraw/",
        order_requests.artist_order_withdraw_cancellation,
        name="artist_order_withdraw_cancellation",
    ),
    path(
        "order-lines/<int:pk>/photo/",
        personalisation_photo,
        name="personalisation_photo",
    ),
]
