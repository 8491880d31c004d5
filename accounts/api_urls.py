from django.urls import path

from . import api

urlpatterns = [
    path("auth/register/", api.RegisterView.as_view(), name="api-register"),
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("auth/logout/", api.LogoutView.as_view(), name="api-logout"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("me/email/confirm/", api.EmailConfirmView.as_view(), name="api-email-confirm"),
    path("me/email/cancel/", api.EmailCancelView.as_view(), name="api-email-cancel"),
]
