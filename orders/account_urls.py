from django.urls import path

from . import views

app_name = "account"

urlpatterns = [
    path("orders/", views.order_list, name="orders"),
    path("orders/<str:number>/", views.order_detail, name="order"),
    path("orders/<str:number>/cancel/", views.order_cancel, name="order_cancel"),
    path(
        "orders/<str:number>/parts/<int:pk>/cancel/",
        views.artist_order_cancel,
        name="artist_order_cancel",
    ),
    path(
        "orders/<str:number>/parts/<int:pk>/confirm-delivery/",
        views.artist_order_confirm_delivery,
        name="artist_order_confirm_delivery",
    ),
    path(
        "orders/<str:number>/parts/<int:pk>/not-received/",
        views.artist_order_report_not_received,
        name="artist_order_report_not_received",
    ),
    path(
        "order-lines/<int:pk>/photo/",
        views.personalisation_photo,
        name="personalisation_photo",
    ),
]
