from django.urls import path

from . import views

app_name = "cart"

urlpatterns = [
    path("cart/", views.cart_detail, name="cart"),
    path("cart/add/", views.cart_add, name="add"),
    path("cart/lines/<int:pk>/update/", views.cart_line_update, name="line_update"),
    path("cart/lines/<int:pk>/remove/", views.cart_line_remove, name="line_remove"),
    path("cart/lines/<int:pk>/photo/", views.cart_line_photo, name="line_photo"),
    path("cart/country/", views.cart_country, name="country"),
    path("cart/discount/", views.cart_discount, name="discount"),
    path("checkout/", views.checkout, name="checkout"),
]
