from django.urls import path

from orders import dashboard_views as order_views

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
]
