"""Helpers of the staff admin tests: the admin's URLs of an object (its
change page, one of its transition buttons), a logged-in client, and who
was notified of what about an artist order."""

from django.test import Client
from django.urls import reverse

from marketplace.notifications.models import Notification


def transition_url(obj, action):
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_transition",
        kwargs={"object_id": obj.pk, "action": action},
    )


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def outbox_by_role(artist_order):
    """(event, buyer|artist) of every outbox row about ``artist_order``."""
    roles = {
        artist_order.order.buyer_id: "buyer",
        artist_order.artist.user_id: "artist",
    }
    return sorted(
        (event, roles[recipient_id])
        for event, recipient_id in Notification.objects.filter(
            context__order_number=artist_order.order.number
        ).values_list("event", "recipient_id")
    )
