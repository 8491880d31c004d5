"""Payment providers behind one interface.

Checkout calls ``charge`` (authorise and capture in one step) outside any
database transaction; refunds call ``refund``. Both take an idempotency key:
calling twice with the same key never charges or refunds twice. A real
provider (Stripe, Adyen, Mollie...) plugs in as another subclass listed in
``settings.PAYMENT_PROVIDERS``.
"""

from __future__ import annotations

import hashlib
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from marketplace.errors import DomainError


@dataclass(frozen=True)
class PaymentResult:
    """The outcome of a charge: ``ok`` when the money is captured."""

    ok: bool
    reference: str = ""
    message: str = ""


@dataclass(frozen=True)
class RefundResult:
    """The outcome of a refund: ``ok`` when the provider accepted it."""

    ok: bool
    reference: str = ""
    message: str = ""


@dataclass(frozen=True)
class PayoutResult:
    """The outcome of a payout to an artist: ``ok`` when the provider sent it."""

    ok: bool
    reference: str = ""
    message: str = ""


class PaymentProvider(ABC):
    """What checkout and refunds need from a payment provider."""

    name: str = ""

    @abstractmethod
    def charge(
        self, *, amount: Decimal, token: str, reference: str, idempotency_key: str
    ) -> PaymentResult:
        """Authorise and capture ``amount`` euros with the buyer's ``token``.

        ``reference`` is the order number shown on the buyer's statement.
        A declined card is a result with ``ok=False``, not an exception;
        an exception means the provider could not be reached.
        """

    @abstractmethod
    def refund(
        self, *, amount: Decimal, payment_reference: str, idempotency_key: str
    ) -> RefundResult:
        """Refund ``amount`` euros of the captured payment ``payment_reference``."""

    @abstractmethod
    def payout(
        self, *, amount: Decimal, destination: str, idempotency_key: str
    ) -> PayoutResult:
        """Send ``amount`` euros to an artist (``destination``). A refusal is a
        result with ``ok=False``; an exception means the provider could not
        be reached (the payout is tried again with the same key)."""


def _key_digest(prefix: str, key: str) -> str:
    return f"{prefix}_{hashlib.sha256(key.encode()).hexdigest()[:24]}"


class TestPaymentProvider(PaymentProvider):
    """A provider that needs no network, for development and tests.

    Token ``ok`` pays, ``fail`` is declined, any other token is declined with
    a message saying which tokens exist. Results are remembered per
    idempotency key, so a retried call returns the first answer.

    Payouts work the same way: ``payouts_paid`` lists ``(destination,
    idempotency_key, amount)`` of each payout sent, once per key;
    ``payout_outage`` and ``payout_decline`` make them fail.

    Refunds are idempotent per payment and key too: ``refunds_paid`` lists
    ``(payment_reference, idempotency_key, amount)`` of each refund paid,
    exactly once. Tests make refunds go wrong with two class
    attributes (set them with ``monkeypatch.setattr``):

    - ``refund_outage = True``: ``refund`` raises ``ConnectionError`` (the
      provider cannot be reached; nothing is remembered, a retry may pay);
    - ``refund_decline = True``: refunds are declined (``ok=False``); not
      remembered, so that a key declined in one test cannot decline in the
      next (ids repeat between tests).
    """

    __test__ = False  # not a pytest test class
    name = "test"
    TOKEN_OK = "ok"  # noqa: S105 (a test card, not a secret)
    TOKEN_FAIL = "fail"  # noqa: S105

    refund_outage = False
    refund_decline = False
    payout_outage = False
    payout_decline = False

    _lock = threading.Lock()
    _charges: dict[str, PaymentResult] = {}
    _refunds: dict[tuple[str, str], RefundResult] = {}
    refunds_paid: list[tuple[str, str, Decimal]] = []
    _payouts: dict[str, PayoutResult] = {}
    payouts_paid: list[tuple[str, str, Decimal]] = []

    def charge(self, *, amount, token, reference, idempotency_key) -> PaymentResult:
        with self._lock:
            if idempotency_key in self._charges:
                return self._charges[idempotency_key]
            if token == self.TOKEN_OK:
                result = PaymentResult(
                    ok=True, reference=_key_digest("test_ch", idempotency_key)
                )
            elif token == self.TOKEN_FAIL:
                result = PaymentResult(ok=False, message=_("The card was declined."))
            else:
                result = PaymentResult(
                    ok=False,
                    message=_(
                        'Unknown test card: use the token "ok" for a card that pays '
                        'or "fail" for a card that is declined.'
                    ),
                )
            self._charges[idempotency_key] = result
            return result

    def refund(self, *, amount, payment_reference, idempotency_key) -> RefundResult:
        remembered = (str(payment_reference), idempotency_key)
        with self._lock:
            if remembered in self._refunds:
                return self._refunds[remembered]
            if self.refund_outage:
                raise ConnectionError(
                    "test provider: refunds are unreachable (refund_outage)"
                )
            if self.refund_decline:
                return RefundResult(ok=False, message=_("The refund was refused."))
            if not str(payment_reference).startswith("test_ch_") or amount <= 0:
                result = RefundResult(ok=False, message=_("The refund was refused."))
            else:
                result = RefundResult(
                    ok=True, reference=_key_digest("test_re", idempotency_key)
                )
                type(self).refunds_paid.append(
                    (str(payment_reference), idempotency_key, Decimal(amount))
                )
            self._refunds[remembered] = result
            return result

    def payout(self, *, amount, destination, idempotency_key) -> PayoutResult:
        with self._lock:
            if idempotency_key in self._payouts:
                return self._payouts[idempotency_key]
            if self.payout_outage:
                raise ConnectionError(
                    "test provider: payouts are unreachable (payout_outage)"
                )
            if self.payout_decline or amount <= 0:
                return PayoutResult(
                    ok=False, message=_("The bank refused the transfer.")
                )
            result = PayoutResult(
                ok=True, reference=_key_digest("test_po", idempotency_key)
            )
            type(self).payouts_paid.append(
                (str(destination), idempotency_key, Decimal(amount))
            )
            self._payouts[idempotency_key] = result
            return result


def provider_choices() -> list[str]:
    return list(settings.PAYMENT_PROVIDERS)


def get_provider(name: str | None) -> PaymentProvider:
    """The provider configured as ``name`` in ``settings.PAYMENT_PROVIDERS``.

    :raises DomainError: (field ``payment``) when no such provider is configured.
    """
    path = settings.PAYMENT_PROVIDERS.get(str(name or ""))
    if not path:
        raise DomainError(
            _("Unknown payment provider %(name)s.") % {"name": name or "—"},
            field="payment",
        )
    provider = import_string(path)()
    if not provider.name:
        provider.name = str(name)
    return provider
