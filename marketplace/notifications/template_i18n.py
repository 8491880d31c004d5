"""Django's ``i18n`` template library for the email engine, with the
translations of each ``translate`` and ``blocktranslate`` tag looked up once
per language instead of once per email.

The email engine (``emails.email_engine``) serves ``{% load i18n %}`` from
this module, so the email templates keep Django's tags and ``makemessages``
reads them as usual. Every tag and filter is Django's; only these two change:

- ``{% translate "literal" %}`` (no filter, ``noop``, ``context`` or ``as``):
  its output depends only on the active language and on autoescaping, so it
  is rendered once for each pair and kept on the node;
- ``{% blocktranslate %}`` without plural, ``context`` or ``as``: the
  message id and its translation are kept per language; the variables are
  resolved and formatted for every email exactly as Django does.

Both read the active language once per template rendering (kept in its
render context; ``{% language %}`` sets it for its block).

Any other form is Django's node, unchanged. The kept translations live on
the compiled templates, which belong to the email engine: it is built again
when the settings, the templates or the catalogs change (see ``emails``).
"""

from django.template import Library, Node
from django.template.base import render_value_in_context
from django.templatetags import i18n
from django.utils import translation

register = Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)

# Where a template rendering keeps the active language (its render context).
LANGUAGE = "marketplace.notifications.template_i18n.language"


def active_language(context) -> str | None:
    """The active language, looked up once per template rendering."""
    render_context = context.render_context
    language = render_context.get(LANGUAGE)
    if language is None:
        language = render_context[LANGUAGE] = translation.get_language()
    return language


class TranslateOnceNode(Node):
    """A literal ``{% translate %}``: Django's node, rendered once per
    (language, autoescape)."""

    child_nodelists = ()

    def __init__(self, node: i18n.TranslateNode):
        self.node = node
        self.rendered = {}

    def render(self, context):
        key = (active_language(context), context.autoescape)
        try:
            return self.rendered[key]
        except KeyError:
            value = self.rendered[key] = self.node.render(context)
            return value


class BlockTranslateOnceNode(i18n.BlockTranslateNode):
    """``{% blocktranslate %}`` with its translation looked up once per
    language; the rest of ``render`` is Django's (plural forms, message
    contexts and ``as`` go to Django's own)."""

    def render(self, context, nested=False):
        if nested or self.plural or self.message_context or self.asvar:
            return super().render(context, nested)
        language = active_language(context)
        try:
            result, variables = self.translations[language]
        except KeyError:
            singular, variables = self.render_token_list(self.singular)
            result = translation.gettext(singular)
            self.translations[language] = (result, variables)
        context.update({var: val.resolve(context) for var, val in self.extra_context.items()})
        default_value = context.template.engine.string_if_invalid

        def render_value(key):
            if key in context:
                value = context[key]
            else:
                value = default_value % key if "%s" in default_value else default_value
            return render_value_in_context(value, context)

        data = {variable: render_value(variable) for variable in variables}
        context.pop()
        try:
            return result % data
        except (KeyError, ValueError):
            # A broken translation: Django's node falls back to the message id.
            return super().render(context, nested)


class LanguageNode(i18n.LanguageNode):
    """``{% language %}``: Django's, with the language of its block known to
    the nodes inside."""

    def render(self, context):
        render_context = context.render_context
        outer = render_context.get(LANGUAGE)
        with translation.override(self.language.resolve(context)):
            render_context[LANGUAGE] = translation.get_language()
            try:
                return self.nodelist.render(context)
            finally:
                render_context[LANGUAGE] = outer


def do_language(parser, token):
    node = i18n.language(parser, token)
    return LanguageNode(node.nodelist, node.language)


def do_translate(parser, token):
    node = i18n.do_translate(parser, token)
    expression = node.filter_expression
    if (
        not node.noop
        and node.asvar is None
        and node.message_context is None
        and not expression.filters
        and getattr(expression.var, "literal", None) is not None
    ):
        return TranslateOnceNode(node)
    return node


def do_block_translate(parser, token):
    node = i18n.do_block_translate(parser, token)
    once = BlockTranslateOnceNode.__new__(BlockTranslateOnceNode)
    once.__dict__.update(node.__dict__)
    once.translations = {}
    return once


register.tag("translate", do_translate)
register.tag("trans", do_translate)
register.tag("blocktranslate", do_block_translate)
register.tag("blocktrans", do_block_translate)
register.tag("language", do_language)
