"""The buyer's return pages, under ``/account/returns/`` (namespace ``returns``)."""

from django.urls import path

from returns.views import return_photo

from .views import returns

app_name = "returns"

urlpatterns = [
    path("", returns.return_list, name="list"),
    path("new/<int:line_pk>/", returns.return_create, name="create"),
    path("<int:pk>/", returns.return_detail, name="detail"),
    path("<int:pk>/message/", returns.return_message, name="message"),
    path("<int:pk>/ship-back/", returns.return_ship_back, name="ship_back"),
    path("<int:pk>/withdraw/", returns.return_withdraw, name="withdraw"),
    path("<int:pk>/escalate/", returns.return_escalate, name="escalate"),
    path("photos/<int:pk>/", return_photo, name="photo"),
]
