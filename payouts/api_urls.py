from django.urls import path

from . import api

urlpatterns = [
    path("shop/balance/", api.BalanceView.as_view(), name="api-shop-balance"),
    path("shop/payouts/", api.PayoutListView.as_view(), name="api-shop-payouts"),
    path(
        "shop/payouts/<int:pk>/",
        api.PayoutDetailView.as_view(),
        name="api-shop-payout",
    ),
    path(
        "shop/statements/<str:month>.csv",
        api.StatementView.as_view(),
        name="api-shop-statement",
    ),
    path("shop/ledger/", api.LedgerView.as_view(), name="api-shop-ledger"),
    path(
        "staff/payouts/run/",
        api.StaffPayoutRunView.as_view(),
        name="api-staff-payouts-run",
    ),
    path(
        "staff/artists/<slug:slug>/hold-payouts/",
        api.StaffHoldPayoutsView.as_view(),
        name="api-staff-artist-hold-payouts",
    ),
    path(
        "staff/artists/<slug:slug>/release-payouts/",
        api.StaffReleasePayoutsView.as_view(),
        name="api-staff-artist-release-payouts",
    ),
]
