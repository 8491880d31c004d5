"""Celery door into ``system_message_post``: idempotent by its dedupe key, so
a retried or twice-delivered task posts the message once."""

from celery import shared_task
from django.apps import apps

from . import services


@shared_task(
    name="marketplace.messaging.post_system_message",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=8,
)
def post_system_message(
    *,
    event: str,
    context: dict,
    dedupe_key: str,
    artist_order_id: int | None = None,
    return_request_id: int | None = None,
    **kwargs,
):
    """Post the state change ``event`` into the thread of the return request
    or artist order (loaded fresh by id). Returns the message id, or None
    when it was already posted (or its object is gone)."""
    artist_order = return_request = None
    if return_request_id is not None:
        model = apps.get_model("returns", "ReturnRequest")
        return_request = model.objects.filter(pk=return_request_id).first()
        if return_request is None:
            return None
    elif artist_order_id is not None:
        from orders.models import ArtistOrder

        artist_order = (
            ArtistOrder.objects.select_related("order", "artist").filter(pk=artist_order_id).first()
        )
        if artist_order is None:
            return None
    else:
        return None
    message = services.system_message_post(
        artist_order=artist_order,
        return_request=return_request,
        event=event,
        context=context,
        dedupe_key=dedupe_key,
    )
    return message.pk if message is not None else None
