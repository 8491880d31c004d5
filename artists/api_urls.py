from django.urls import path

from . import api

urlpatterns = [
    path("artists/", api.ArtistListView.as_view(), name="api-artists"),
    path("artists/<slug:slug>/", api.ArtistDetailView.as_view(), name="api-artist"),
    path("items/", api.ItemListView.as_view(), name="api-items"),
    path("items/<int:pk>/", api.ItemDetailView.as_view(), name="api-item"),
    path("categories/", api.CategoryListView.as_view(), name="api-categories"),
    path(
        "items/<int:pk>/stock-alerts/",
        api.StockAlertCreateView.as_view(),
        name="api-item-stock-alerts",
    ),
    path("shop/", api.ShopView.as_view(), name="api-shop"),
    path("shop/items/", api.ShopItemListView.as_view(), name="api-shop-items"),
    path(
        "shop/items/<int:pk>/", api.ShopItemDetailView.as_view(), name="api-shop-item"
    ),
    path(
        "shop/items/<int:pk>/photos/",
        api.ShopItemPhotoListView.as_view(),
        name="api-shop-item-photos",
    ),
    path(
        "shop/items/<int:pk>/photos/<int:photo_pk>/",
        api.ShopItemPhotoDetailView.as_view(),
        name="api-shop-item-photo",
    ),
    path(
        "shop/items/<int:pk>/variants/",
        api.ShopItemVariantListView.as_view(),
        name="api-shop-item-variants",
    ),
    path(
        "shop/variants/<int:pk>/",
        api.ShopVariantDetailView.as_view(),
        name="api-shop-variant",
    ),
    path(
        "staff/artists/<slug:slug>/approve/",
        api.StaffArtistApproveView.as_view(),
        name="api-staff-artist-approve",
    ),
]
