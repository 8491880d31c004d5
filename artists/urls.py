from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("artists/", views.artist_list, name="artists"),
    path("artists/<slug:slug>/", views.artist_detail, name="artist"),
    path("items/", views.item_list, name="items"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/alert/", views.stock_alert, name="stock_alert"),
]
