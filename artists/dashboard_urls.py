from django.urls import path

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
]
