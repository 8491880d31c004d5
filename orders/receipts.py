"""The buyer's receipt of an order, as a page, a PDF and in the API.

A receipt names the marketplace as the intermediary (``MARKETPLACE_NAME``,
``MARKETPLACE_ADDRESS``), then each artist's part as its own sale: the
artist who sells (legal name and business address, else the shop's name and
location), the lines, shipping, discount and total, and the refunds given
back since, down to what the buyer has paid net. ``build_receipt`` reads it
from an order fetched by ``selectors.order_get_for_receipt``; every door
renders the same templates (``orders/receipt_document.html``), the PDF
through WeasyPrint (``render_pdf``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from PIL import ImageFile

from marketplace.money import ZERO

from .models import ArtistOrderState, Order, RefundReason, RefundStatus

PDF_CONTENT_TYPE = "application/pdf"
# Parts that never became a sale: the receipt says why their money came back.
_CLOSED_UNSOLD = {ArtistOrderState.REFUSED, ArtistOrderState.CANCELLED}


@dataclass(frozen=True)
class ReceiptLine:
    title: str
    variant: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal


@dataclass(frozen=True)
class ReceiptRefund:
    amount: Decimal
    reason: str
    reason_label: str
    status: str
    date: datetime

    @property
    def pending(self) -> bool:
        return self.status == RefundStatus.PENDING


@dataclass(frozen=True)
class ReceiptSeller:
    """The artist who sells one part, as the receipt prints it."""

    name: str
    shop_name: str
    address: list[str]


@dataclass(frozen=True)
class ReceiptPart:
    """One artist's part of the order (an artist order)."""

    id: int
    artist: str
    seller: ReceiptSeller
    state: str
    state_label: str
    lines: list[ReceiptLine]
    items_total: Decimal
    shipping_fee: Decimal
    discount: Decimal
    total: Decimal
    paid: Decimal
    refunds: list[ReceiptRefund]
    refunded: Decimal
    net_paid: Decimal

    @property
    def closed_unsold(self) -> bool:
        return self.state in _CLOSED_UNSOLD


@dataclass(frozen=True)
class ReceiptPayment:
    amount: Decimal
    paid_at: datetime
    provider: str
    reference: str


@dataclass(frozen=True)
class Receipt:
    number: str
    created: datetime
    marketplace_name: str
    marketplace_address: list[str]
    buyer_name: str
    buyer_email: str
    shipping_address: list[str]
    shipping_country: str
    payment: ReceiptPayment | None
    parts: list[ReceiptPart]
    discount_code: str
    items_total: Decimal
    shipping_total: Decimal
    discount_total: Decimal
    total: Decimal
    paid: Decimal
    refunded: Decimal
    net_paid: Decimal

    @property
    def filename(self) -> str:
        return f"receipt-{self.number}.pdf"

    @property
    def has_refunds(self) -> bool:
        return any(part.refunds for part in self.parts)


def _lines_of(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def seller_of(artist) -> ReceiptSeller:
    """The seller printed for ``artist``: its legal name and business
    address, or its shop name and its location (else the country it ships
    from) when they are empty."""
    address = _lines_of(artist.business_address) or _lines_of(artist.location)
    if not address and artist.country:
        address = [str(artist.country.name)]
    return ReceiptSeller(
        name=artist.legal_name.strip() or artist.name,
        shop_name=artist.name,
        address=address,
    )


def _refund(refund) -> ReceiptRefund:
    return ReceiptRefund(
        amount=refund.amount,
        reason=refund.reason,
        reason_label=str(RefundReason(refund.reason).label),
        status=refund.status,
        date=refund.succeeded_at or refund.created_at,
    )


def _part(artist_order) -> ReceiptPart:
    # A failed refund gave nothing back (staff refunds again): not on the receipt.
    refunds = [
        _refund(refund)
        for refund in artist_order.refunds.all()
        if refund.status != RefundStatus.FAILED
    ]
    return ReceiptPart(
        id=artist_order.pk,
        artist=artist_order.artist.slug,
        seller=seller_of(artist_order.artist),
        state=artist_order.state,
        state_label=str(ArtistOrderState(artist_order.state).label),
        lines=[
            ReceiptLine(
                title=line.title,
                variant=line.variant_name,
                unit_price=line.unit_price,
                quantity=line.quantity,
                line_total=line.line_total,
            )
            for line in artist_order.lines.all()
        ],
        items_total=artist_order.items_total,
        shipping_fee=artist_order.shipping_fee,
        discount=artist_order.discount,
        total=artist_order.total,
        paid=artist_order.paid,
        refunds=refunds,
        refunded=artist_order.refunded,
        net_paid=artist_order.paid - artist_order.refunded,
    )


def build_receipt(order: Order) -> Receipt:
    """The receipt of ``order`` (fetched with
    ``selectors.order_get_for_receipt``: no query here)."""
    parts = [_part(artist_order) for artist_order in order.artist_orders.all()]
    captured = list(getattr(order, "captured_payments", None) or [])
    payment = (
        ReceiptPayment(
            amount=captured[0].amount,
            paid_at=captured[0].created_at,
            provider=captured[0].provider,
            reference=captured[0].reference,
        )
        if captured
        else None
    )
    paid = sum((part.paid for part in parts), ZERO)
    refunded = sum((part.refunded for part in parts), ZERO)
    return Receipt(
        number=order.number,
        created=order.created_at,
        marketplace_name=settings.MARKETPLACE_NAME,
        marketplace_address=_lines_of(settings.MARKETPLACE_ADDRESS),
        buyer_name=order.shipping_name,
        buyer_email=order.email,
        shipping_address=[
            line
            for line in (
                order.shipping_name,
                order.shipping_line1,
                order.shipping_line2,
                f"{order.shipping_postcode} {order.shipping_city}".strip(),
                order.shipping_country.name,
            )
            if line
        ],
        shipping_country=str(order.shipping_country),
        payment=payment,
        parts=parts,
        discount_code=order.discount_code,
        items_total=order.items_total,
        shipping_total=order.shipping_total,
        discount_total=order.discount_total,
        total=order.total,
        paid=paid,
        refunded=refunded,
        net_paid=paid - refunded,
    )


def render_pdf(html: str) -> bytes:
    """``html`` (a whole document with its styles inline) as a PDF.

    Nothing is fetched while rendering: only ``data:`` URIs may be embedded,
    so text a user typed can never make the server read a file or a URL.

    :raises OSError: when the Pango libraries WeasyPrint needs are missing.
    """
    # Imported here, not at the top: WeasyPrint loads Pango as it is
    # imported, and the pages and the API must start without it. Its import
    # also turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process;
    # the upload checks (marketplace.images) count on Pillow refusing a
    # truncated file, so the flag is put back as it was.
    load_truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = load_truncated

    fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def render_receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt as a PDF, in the active language: the same document as
    the page (``orders/receipt_document.html``) in a page of its own."""
    html = render_to_string("orders/order_receipt_pdf.html", {"receipt": receipt})
    return render_pdf(html)


def content_disposition(receipt: Receipt) -> str:
    return f'attachment; filename="{receipt.filename}"'


def receipt_pdf_response(receipt: Receipt) -> HttpResponse:
    """The receipt's PDF as a download named after the order (the pages'
    and the admin's door; the API answers through its own renderer)."""
    response = HttpResponse(render_receipt_pdf(receipt), content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(receipt)
    return response
