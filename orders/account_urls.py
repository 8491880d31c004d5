from django.urls import path

from . import views

app_name = "account"

urlpatterns = [
    path("orders/", views.order_list, name="orders"),
    path("orders/<str:number>/", views.order_detail, name="order"),
    path(
        "order-lines/<int:pk>/photo/",
        views.personalisation_photo,
        name="personalisation_photo",
    ),
]
