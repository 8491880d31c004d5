from django.urls import path

from . import api

urlpatterns = [
    path("support/", api.SupportView.as_view(), name="api-support"),
    path("threads/", api.ThreadListView.as_view(), name="api-threads"),
    path("threads/<int:pk>/", api.ThreadDetailView.as_view(), name="api-thread"),
    path(
        "threads/<int:pk>/messages/",
        api.ThreadMessagesView.as_view(),
        name="api-thread-messages",
    ),
]
