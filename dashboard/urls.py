"""The seller dashboard, under ``/dashboard/`` (namespace ``dashboard``)."""

from django.urls import path

from .views import (
    customs,
    home,
    items,
    money,
    orders,
    packing_slip,
    returns,
    reviews,
    shop,
)

app_name = "dashboard"

urlpatterns = [
    path("", home.home, name="home"),
    path("open-shop/", home.shop_open, name="shop_open"),
    path("shop/", shop.shop, name="shop"),
    path(
        "shop/photos/<int:pk>/delete/", shop.shop_photo_delete, name="shop_photo_delete"
    ),
    path("terms/", shop.terms, name="terms"),
    path("holiday/", shop.holiday, name="holiday"),
    path("items/", items.items, name="items"),
    path("items/new/", items.item_create, name="item_create"),
    path("items/<int:pk>/", items.item_edit, name="item_edit"),
    path("items/<int:pk>/on-sale/", items.item_toggle, name="item_toggle"),
    path(
        "items/<int:pk>/photos/<int:photo_pk>/delete/",
        items.item_photo_delete,
        name="item_photo_delete",
    ),
    path("variants/<int:pk>/", items.variant_edit, name="variant_edit"),
    path("money/", money.money, name="money"),
    path("money/payouts/<int:pk>/", money.payout_detail, name="payout"),
    path("money/statements/<str:month>.csv", money.statement, name="money_statement"),
    path("orders/", orders.order_list, name="orders"),
    path("orders/<int:pk>/", orders.order_detail, name="order"),
    path("orders/<int:pk>/accept/", orders.order_accept, name="order_accept"),
    path("orders/<int:pk>/refuse/", orders.order_refuse, name="order_refuse"),
    path("orders/<int:pk>/ship/", orders.order_ship, name="order_ship"),
    path("orders/<int:pk>/reship/", orders.order_reship, name="order_reship"),
    path(
        "orders/<int:pk>/packing-slip/",
        packing_slip.order_packing_slip,
        name="order_packing_slip",
    ),
    path(
        "orders/<int:pk>/refund-lost/",
        orders.order_refund_lost,
        name="order_refund_lost",
    ),
    path(
        "orders/<int:pk>/refused-at-customs/",
        customs.order_refused_at_customs,
        name="order_refused_at_customs",
    ),
    path("returns/", returns.return_list, name="returns"),
    path("returns/<int:pk>/", returns.return_detail, name="return"),
    path("returns/<int:pk>/accept/", returns.return_accept, name="return_accept"),
    path("returns/<int:pk>/reject/", returns.return_reject, name="return_reject"),
    path("returns/<int:pk>/receive/", returns.return_receive, name="return_receive"),
    path("returns/<int:pk>/refund/", returns.return_refund, name="return_refund"),
    path(
        "returns/<int:pk>/ship-replacement/",
        returns.return_ship_replacement,
        name="return_ship_replacement",
    ),
    path(
        "returns/<int:pk>/convert-to-refund/",
        returns.return_convert_to_refund,
        name="return_convert_to_refund",
    ),
    path("returns/<int:pk>/message/", returns.return_message, name="return_message"),
    path("reviews/", reviews.review_list, name="reviews"),
    path("reviews/<int:pk>/answer/", reviews.review_answer, name="review_answer"),
]
