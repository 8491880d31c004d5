from django.urls import path

from . import support_views, views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("shop/", views.shop_inbox, name="shop_inbox"),
    path("<int:pk>/", views.thread_detail, name="thread"),
    path("support/", support_views.support_new, name="support"),
    path("contact/<slug:slug>/", views.contact, name="contact"),
    path("orders/<int:pk>/", views.contact_order, name="contact_order"),
    path("photos/<int:pk>/", views.message_photo, name="photo"),
    path("messages/<int:pk>/report/", views.message_report, name="report"),
    path(
        "messages/<int:pk>/report/withdraw/",
        views.message_report_withdraw,
        name="report_withdraw",
    ),
    path("messages/<int:pk>/hide/", views.message_hide, name="hide"),
]
