from django.urls import path

from . import api

urlpatterns = [
    path("returns/", api.ReturnRequestListView.as_view(), name="api-returns"),
    path("returns/<int:pk>/", api.ReturnRequestDetailView.as_view(), name="api-return"),
    path(
        "returns/<int:pk>/photos/<int:photo>/",
        api.ReturnPhotoView.as_view(),
        name="api-return-photo",
    ),
    path(
        "returns/<int:pk>/accept/",
        api.ReturnAcceptView.as_view(),
        name="api-return-accept",
    ),
    path(
        "returns/<int:pk>/reject/",
        api.ReturnRejectView.as_view(),
        name="api-return-reject",
    ),
    path(
        "returns/<int:pk>/ship-back/",
        api.ReturnShipBackView.as_view(),
        name="api-return-ship-back",
    ),
    path(
        "returns/<int:pk>/receive/",
        api.ReturnReceiveView.as_view(),
        name="api-return-receive",
    ),
    path(
        "returns/<int:pk>/refund/",
        api.ReturnRefundView.as_view(),
        name="api-return-refund",
    ),
    path(
        "returns/<int:pk>/ship-replacement/",
        api.ReturnShipReplacementView.as_view(),
        name="api-return-ship-replacement",
    ),
    path(
        "returns/<int:pk>/convert-to-refund/",
        api.ReturnConvertToRefundView.as_view(),
        name="api-return-convert-to-refund",
    ),
    path(
        "returns/<int:pk>/escalate/",
        api.ReturnEscalateView.as_view(),
        name="api-return-escalate",
    ),
    path(
        "returns/<int:pk>/withdraw/",
        api.ReturnWithdrawView.as_view(),
        name="api-return-withdraw",
    ),
]
