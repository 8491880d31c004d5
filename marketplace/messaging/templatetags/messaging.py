from django import template

from ..rendering import message_text as _message_text

register = template.Library()


@register.simple_tag(takes_context=True)
def message_text(context, message):
    """The text of ``message`` for the user viewing the page, in its language."""
    request = context.get("request")
    return _message_text(message, viewer=getattr(request, "user", None))
