"""Framework glue: the anonymous cart follows the visitor into its account."""

import logging

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .models import Cart
from .selectors import SESSION_CART_KEY
from .services import cart_merge

logger = logging.getLogger(__name__)


@receiver(user_logged_in, dispatch_uid="orders.merge_cart_at_login")
def merge_cart_at_login(sender, request, user, **kwargs):
    """Merge the session's anonymous cart into the user's cart at login.

    Session data survives the session key cycling done by ``login()``.
    """
    session = getattr(request, "session", None)
    if session is None:
        return
    cart_id = session.pop(SESSION_CART_KEY, None)
    if not cart_id:
        return
    source = Cart.objects.filter(pk=cart_id, user=None).first()
    if source is None:
        return
    target, _created = Cart.objects.get_or_create(user=user)
    cart_merge(source=source, target=target)
