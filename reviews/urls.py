"""The review pages (namespace ``reviews``): the public lists, the buyer's
form under ``/account/reviews/``, the photos."""

from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("items/<int:pk>/reviews/", views.item_reviews, name="item"),
    path("artists/<slug:slug>/reviews/", views.artist_reviews, name="artist"),
    path("account/reviews/new/<int:line_pk>/", views.review_create, name="create"),
    path("account/reviews/<int:pk>/", views.review_edit, name="edit"),
    path("reviews/photos/<int:pk>/", views.review_photo, name="photo"),
]
