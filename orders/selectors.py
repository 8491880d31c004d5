"""Reads scoped to the person asking."""

from django.db.models import Sum

from .models import Cart


def cart_for_request(request, *, create: bool = False) -> Cart | None:
    """The cart of the logged-in user, or of the anonymous session."""
    if request.user.is_authenticated:
        if create:
            cart, _ = Cart.objects.get_or_create(user=request.user)
            return cart
        return Cart.objects.filter(user=request.user).first()
    session_key = request.session.session_key
    if session_key is None:
        if not create:
            return None
        request.session.save()
        session_key = request.session.session_key
    if create:
        cart, _ = Cart.objects.get_or_create(session_key=session_key, user=None)
        return cart
    return Cart.objects.filter(session_key=session_key, user=None).first()


def cart_size_for_request(request) -> int:
    """How many pieces the visitor's cart holds (for the page header)."""
    if not hasattr(request, "user"):
        return 0
    if request.user.is_authenticated:
        lines = Cart.lines.rel.related_model.objects.filter(cart__user=request.user)
    else:
        key = request.session.session_key
        if key is None:
            return 0
        lines = Cart.lines.rel.related_model.objects.filter(cart__session_key=key, cart__user=None)
    return lines.aggregate(n=Sum("quantity"))["n"] or 0
