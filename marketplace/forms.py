"""What every page's forms share: a service's ``DomainError`` shown on the
form that sent the request, or as a message on the page it redirects to;
a ``<select>`` of many options rendered in one pass."""

from html import escape

from django import forms
from django.contrib import messages
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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


class FastSelect(forms.Select):
    """A flat ``<select>`` rendered in Python, same markup as ``forms.Select``
    (name, id, attributes, selected option), without a template per option:
    the cart, checkout and catalogue pages list all 249 countries
    (docs/performance.md). Flat choices only (no option groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        selected = set(self.format_value(value))
        options = []
        for code, label in self.choices:
            code = "" if code is None else str(code)
            label = (
                label.__html__() if hasattr(label, "__html__") else escape(str(label))
            )
            options.append(
                '  <option value="{}"{}>{}</option>\n'.format(
                    escape(code), " selected" if code in selected else "", label
                )
            )
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            name,
            flatatt(attrs),
            mark_safe("\n".join(options)),  # noqa: S308 (codes and labels escaped above)
        )
