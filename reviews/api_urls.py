from django.urls import path

from . import api

urlpatterns = [
    path(
        "items/<int:pk>/reviews/",
        api.ItemReviewsView.as_view(),
        name="api-item-reviews",
    ),
    path(
        "artists/<slug:slug>/reviews/",
        api.ArtistReviewsView.as_view(),
        name="api-artist-reviews",
    ),
    path("reviews/", api.ReviewListView.as_view(), name="api-reviews"),
    path("reviews/<int:pk>/", api.ReviewDetailView.as_view(), name="api-review"),
    path(
        "reviews/<int:pk>/answer/",
        api.ReviewAnswerView.as_view(),
        name="api-review-answer",
    ),
]
