"""The buyer's return pages, under ``/account/returns/`` (namespace ``returns``)."""

from django.urls import path

from . import views

app_name = "returns"

urlpatterns = [
    path("", views.return_list, name="list"),
    path("new/<int:line_pk>/", views.return_create, name="create"),
    path("<int:pk>/", views.return_detail, name="detail"),
    path("<int:pk>/message/", views.return_message, name="message"),
    path("<int:pk>/ship-back/", views.return_ship_back, name="ship_back"),
    path("<int:pk>/withdraw/", views.return_withdraw, name="withdraw"),
    path("<int:pk>/escalate/", views.return_escalate, name="escalate"),
    path("photos/<int:pk>/", views.return_photo, name="photo"),
]
