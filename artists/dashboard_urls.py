from django.urls import path

from orders import dashboard_views as order_views
from returns import dashboard_views as return_views

from . import dashboard_views as views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("shop/", views.shop, name="shop"),
    path("shop/photos/<int:pk>/delete/", views.shop_photo_delete, name="shop_photo_delete"),
    path("terms/", views.terms, name="terms"),
    path("holiday/", views.holiday, name="holiday"),
    path("items/", views.items, name="items"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/on-sale/", views.item_toggle, name="item_toggle"),
    path(
        "items/<int:pk>/photos/<int:photo_pk>/delete/",
        views.item_photo_delete,
        name="item_photo_delete",
    ),
    path("variants/<int:pk>/", views.variant_edit, name="variant_edit"),
    path("orders/", order_views.order_list, name="orders"),
    path("orders/<int:pk>/", order_views.order_detail, name="order"),
    path("orders/<int:pk>/accept/", order_views.order_accept, name="order_accept"),
    path("orders/<int:pk>/refuse/", order_views.order_refuse, name="order_refuse"),
    path("orders/<int:pk>/ship/", order_views.order_ship, name="order_ship"),
    path("orders/<int:pk>/reship/", order_views.order_reship, name="order_reship"),
    path("orders/<int:pk>/refund-lost/", order_views.order_refund_lost, name="order_refund_lost"),
    path("returns/", return_views.return_list, name="returns"),
    path("returns/<int:pk>/", return_views.return_detail, name="return"),
    path("returns/<int:pk>/accept/", return_views.return_accept, name="return_accept"),
    path("returns/<int:pk>/reject/", return_views.return_reject, name="return_reject"),
    path("returns/<int:pk>/receive/", return_views.return_receive, name="return_receive"),
    path("returns/<int:pk>/refund/", return_views.return_refund, name="return_refund"),
    path(
        "returns/<int:pk>/ship-replacement/",
        return_views.return_ship_replacement,
        name="return_ship_replacement",
    ),
    path(
        "returns/<int:pk>/convert-to-refund/",
        return_views.return_convert_to_refund,
        name="return_convert_to_refund",
    ),
    path("returns/<int:pk>/message/", return_views.return_message, name="return_message"),
]
