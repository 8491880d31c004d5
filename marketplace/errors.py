"""Domain exceptions every door (page, API, admin, task) maps the same way."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Invalid input for a service: maps to a form error or a 400.

    ``field`` names the input at fault (``None`` for the whole request).
    """

    def __init__(
        self, message, *, field: str | None = None, errors: dict | None = None
    ):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.errors = errors

    def as_field_errors(self) -> dict:
        if self.errors:
            return {
                k: [str(m) for m in (v if isinstance(v, list | tuple) else [v])]
                for k, v in self.errors.items()
            }
        return {self.field or "non_field_errors": [str(self.message)]}


class Conflict(Exception):
    """A transition not allowed in the current state: maps to a 409.

    ``payload`` adds fields to the 409's body (e.g. the new ``total``)."""

    def __init__(
        self, message=None, *, state: str | None = None, payload: dict | None = None
    ):
        super().__init__(
            str(message or _("This action is not allowed in the current state."))
        )
        self.state = state
        self.payload = payload or {}


class PaymentDeclined(Exception):
    """The payment provider declined: maps to a 402."""

    def __init__(self, message=None, *, payload: dict | None = None):
        super().__init__(str(message or _("Your payment was declined.")))
        self.payload = payload or {}
