"""Bump the cached parts of ``marketplace.pagecache`` whenever a row they
show is saved or deleted.

Each receiver names the order pages (``order``), dashboard homes (``shop``)
unread counts (``inbox``) and cart sizes (``cart``) a row appears in. Related ids are read from
the instance's foreign key columns; when a parent row is needed (the order
of a history row) it is usually cached on the instance already, otherwise
one small query finds it: writes are rare next to the reads they save.

``QuerySet.update`` and ``bulk_create`` send no signal: the code that uses
them on these models calls ``pagecache.bump_*`` itself.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_save

from marketplace import pagecache


def _artist_order_ids(artist_order_id, instance=None, field="artist_order"):
    """(order id, artist id) of an artist order, from the instance's cache
    when it holds the artist order, else from the database."""
    if artist_order_id is None:
        return None, None
    cached = instance._state.fields_cache.get(field) if instance is not None else None
    if cached is not None:
        return cached.order_id, cached.artist_id
    ArtistOrder = apps.get_model("orders", "ArtistOrder")
    row = ArtistOrder.objects.filter(pk=artist_order_id).values_list("order_id", "artist_id").first()
    return row if row else (None, None)


def _artist_user_id(artist_id):
    if artist_id is None:
        return None
    Artist = apps.get_model("artists", "Artist")
    return Artist.objects.filter(pk=artist_id).values_list("user_id", flat=True).first()


def _bump(*, orders=(), shops=(), inboxes=()):
    pagecache.bump(orders=orders, shops=shops, inboxes=inboxes)


# --- carts ------------------------------------------------------------------------


def _cart(instance, **_):
    pagecache.bump_carts(cart_id=instance.pk, user_id=instance.user_id)


def _cart_line(instance, **_):
    Cart = apps.get_model("orders", "Cart")
    cart = instance._state.fields_cache.get("cart")
    user_id = cart.user_id if cart is not None else (
        Cart.objects.filter(pk=instance.cart_id).values_list("user_id", flat=True).first()
    )
    pagecache.bump_carts(cart_id=instance.cart_id, user_id=user_id)


# --- orders ---------------------------------------------------------------------


def _order(instance, **_):
    _bump(orders=[instance.pk])


def _artist_order(instance, **_):
    _bump(orders=[instance.order_id], shops=[instance.artist_id])


def _child_of_artist_order(instance, **_):
    order_id, artist_id = _artist_order_ids(instance.artist_order_id, instance)
    _bump(orders=[order_id], shops=[artist_id])


# --- returns ----------------------------------------------------------------------


def _return_request(instance, **_):
    order_id, _artist_id = _artist_order_ids(instance.artist_order_id, instance)
    _bump(orders=[order_id], shops=[instance.artist_id])


def _child_of_return_request(instance, **_):
    ReturnRequest = apps.get_model("returns", "ReturnRequest")
    request = instance._state.fields_cache.get("request")
    if request is None:
        request = ReturnRequest.objects.filter(pk=instance.request_id).only("artist_order_id", "artist_id").first()
    if request is not None:
        _return_request(request)


# --- messages ---------------------------------------------------------------------


def _thread(thread):
    if thread is None:
        return
    order_id = None
    if thread.artist_order_id is not None:
        order_id, _artist_id = _artist_order_ids(thread.artist_order_id, thread)
    _bump(
        orders=[order_id],
        shops=[thread.artist_id],
        inboxes=[thread.buyer_id, _artist_user_id(thread.artist_id)],
    )


def _thread_row(instance, **_):
    _thread(instance)


def _message(instance, **_):
    thread = instance._state.fields_cache.get("thread")
    if thread is None:
        Thread = apps.get_model("messaging", "Thread")
        thread = Thread.objects.filter(pk=instance.thread_id).first()
    _thread(thread)


def _message_photo(instance, **_):
    Message = apps.get_model("messaging", "Message")
    message = instance._state.fields_cache.get("message")
    if message is None:
        message = Message.objects.filter(pk=instance.message_id).first()
    if message is not None:
        _message(message)


def _read_state(instance, **_):
    Thread = apps.get_model("messaging", "Thread")
    artist_id = Thread.objects.filter(pk=instance.thread_id).values_list("artist_id", flat=True).first()
    _bump(shops=[artist_id], inboxes=[instance.user_id])


# --- shops and catalog ----------------------------------------------------------


def _artist_before_save(instance, update_fields=None, **_):
    """Remember the shop's name as stored, to know after the save whether it
    changed (the buyers' order pages show it)."""
    if instance.pk is not None and (update_fields is None or "name" in update_fields):
        Artist = type(instance)
        instance._pagecache_stored_name = (
            Artist.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
        )


def _artist(instance, **_):
    _bump(shops=[instance.pk], inboxes=[instance.user_id])
    stored = instance.__dict__.pop("_pagecache_stored_name", instance.name)
    if stored is not None and stored != instance.name:
        # Renamed (rare): the order pages of the shop's orders show the name.
        ArtistOrder = apps.get_model("orders", "ArtistOrder")
        pagecache.bump_orders(
            ArtistOrder.objects.filter(artist_id=instance.pk).values_list("order_id", flat=True).distinct()
        )


def _item(instance, **_):
    _bump(shops=[instance.artist_id])


def _child_of_item(instance, **_):
    Item = apps.get_model("artists", "Item")
    item = instance._state.fields_cache.get("item")
    artist_id = item.artist_id if item is not None else (
        Item.objects.filter(pk=instance.item_id).values_list("artist_id", flat=True).first()
    )
    _bump(shops=[artist_id])


def _stock_alert(instance, **_):
    Variant = apps.get_model("artists", "Variant")
    artist_id = Variant.objects.filter(pk=instance.variant_id).values_list("item__artist_id", flat=True).first()
    _bump(shops=[artist_id])


RECEIVERS = {
    "orders.Cart": _cart,
    "orders.CartLine": _cart_line,
    "orders.Order": _order,
    "orders.ArtistOrder": _artist_order,
    "orders.OrderLine": _child_of_artist_order,
    "orders.ArtistOrderEvent": _child_of_artist_order,
    "orders.Refund": _child_of_artist_order,
    "orders.CancellationRequest": _child_of_artist_order,
    "orders.NotReceivedReport": _child_of_artist_order,
    "returns.ReturnRequest": _return_request,
    "returns.ReturnEvent": _child_of_return_request,
    "returns.ReturnPhoto": _child_of_return_request,
    "messaging.Thread": _thread_row,
    "messaging.Message": _message,
    "messaging.MessagePhoto": _message_photo,
    "messaging.ThreadReadState": _read_state,
    "artists.Artist": _artist,
    "artists.Item": _item,
    "artists.Variant": _child_of_item,
    "artists.ItemPhoto": _child_of_item,
    "artists.StockAlert": _stock_alert,
}


def connect() -> None:
    pre_save.connect(
        _artist_before_save, sender=apps.get_model("artists.Artist"), dispatch_uid="pagecache:artist-name", weak=False
    )
    for label, receiver in RECEIVERS.items():
        model = apps.get_model(label)
        uid = f"pagecache:{label}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + ":delete", weak=False)
