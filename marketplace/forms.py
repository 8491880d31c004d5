"""What every page's forms share: a service's ``DomainError`` shown on the
form that sent the request, or as a message on the page it redirects to."""

from django.contrib import messages

from marketplace.errors import DomainError


def add_domain_error(
    form, error: DomainError, *, field_map: dict | None = None
) -> None:
    """Show ``error`` on ``form``: each message on the field it names
    (``field_map`` renames a service's field to the form's), else at the
    top of the form."""
    field_map = field_map or {}
    for name, texts in error.as_field_errors().items():
        name = field_map.get(name, name)
        target = name if name in form.fields else None
        for text in texts:
            form.add_error(target, text)


class DomainErrorFormMixin:
    """A form that shows a service's ``DomainError`` on its fields
    (``form.add_domain_error(error)``)."""

    #: service field name -> form field name
    field_map: dict[str, str] = {}

    def add_domain_error(self, error: DomainError) -> None:
        add_domain_error(self, error, field_map=self.field_map)


def refused_message(request, error) -> None:
    """Tell the user, on the next page, why an action was refused: a
    ``DomainError``'s messages, or a ``Conflict`` or ``PermissionDenied``."""
    if isinstance(error, DomainError):
        text = " ".join(m for texts in error.as_field_errors().values() for m in texts)
    else:
        text = str(error)
    messages.error(request, text)


def form_errors_text(form) -> str:
    """Every error of an invalid ``form`` in one sentence, for a message on
    the page the request goes back to."""
    return " ".join(
        str(message) for errors in form.errors.values() for message in errors
    )
