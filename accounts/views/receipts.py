"""The buyer's receipt of an order, under ``/account/orders/<number>/``
(namespace ``account``): a printable page and the same receipt as a PDF.

Only the logged-in buyer's own orders are looked up: another's is a 404
(staff open any receipt from the order's admin page).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from orders import selectors
from orders.receipts import build_receipt, receipt_pdf_response


@login_required
def order_receipt(request, number):
    """The receipt of one of the buyer's orders, to read, print or download."""
    order = selectors.order_get_for_receipt(user=request.user, number=number)
    return render(
        request,
        "orders/order_receipt.html",
        {
            "receipt": build_receipt(order),
            "back_url": reverse("account:order", kwargs={"number": order.number}),
            "pdf_url": reverse(
                "account:order_receipt_pdf", kwargs={"number": order.number}
            ),
        },
    )


@login_required
def order_receipt_pdf(request, number):
    """The same receipt as a PDF file."""
    order = selectors.order_get_for_receipt(user=request.user, number=number)
    return receipt_pdf_response(build_receipt(order))
