"""The catalogue's word search, the same interface on both databases.

On PostgreSQL, ``Item.search_vector`` (filled by the trigger of migration
0006) holds the words of the title (weight A), the shop's name and the
category with its parents (B) and the description (C), each stemmed in
English and in French with accents removed (``marketplace_en`` and
``marketplace_fr``). A search asks both configurations, ranks with
``SearchRank`` and highlights with ``SearchHeadline``; the GIN index
``artists_item_search_gin`` answers it.

On SQLite (``make run``) it is a simpler match: every word must appear,
accents and case ignored, in the title, the description, the shop's name or
the category's; a word in the title ranks first.
"""

import html
import re
import unicodedata

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, CharField, F, FloatField, Func, Q, Value, When
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .models import Item

CONFIG_EN = "marketplace_en"
CONFIG_FR = "marketplace_fr"
# Marks around the matched words in PostgreSQL's headlines: characters of the
# Unicode private use area, which the text is escaped around before they
# become <mark> tags.
START, STOP = "\ue000", "\ue001"
MAX_WORDS = 12
SQLITE_FOLD = "marketplace_fold"


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def fold(text: str) -> str:
    """``text`` without accents, case folded: "Théière" -> "theiere"."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def register_sqlite_functions(sender, connection, **kwargs):
    """``marketplace_fold()`` in SQL on SQLite (connection_created receiver)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FOLD, 1, fold, deterministic=True)


def words(query: str) -> list[str]:
    return query.split()[:MAX_WORDS]


def search_query(query: str) -> SearchQuery:
    """``query`` as web-search syntax (quotes, ``or``, ``-word``) in both
    languages."""
    return SearchQuery(query, config=CONFIG_EN, search_type="websearch") | SearchQuery(
        query, config=CONFIG_FR, search_type="websearch"
    )


def _folded(field: str):
    return Func(F(field), function=SQLITE_FOLD, output_field=CharField())


SQLITE_FIELDS = {
    # field -> weight of a word found there
    "title": 1.0,
    "artist__name": 0.4,
    "category__name": 0.4,
    "category__name_fr": 0.4,
    "category__parent__name": 0.4,
    "category__parent__name_fr": 0.4,
    "description": 0.2,
}


def search(queryset, query: str):
    """``queryset`` narrowed to the items matching ``query``, annotated with
    ``rank`` (higher is better); its order is left to the caller."""
    if on_postgresql():
        text_query = search_query(query)
        return queryset.filter(search_vector=text_query).annotate(
            rank=SearchRank(F("search_vector"), text_query)
        )
    folded = {field: f"_search_{index}" for index, field in enumerate(SQLITE_FIELDS)}
    queryset = queryset.annotate(
        **{alias: _folded(field) for field, alias in folded.items()}
    )
    rank = Value(0.0, output_field=FloatField())
    for word in words(query):
        word = fold(word)
        found = Q()
        for field, alias in folded.items():
            found |= Q(**{f"{alias}__contains": word})
            rank = rank + Case(
                When(**{f"{alias}__contains": word}, then=Value(SQLITE_FIELDS[field])),
                default=Value(0.0),
                output_field=FloatField(),
            )
        queryset = queryset.filter(found)
    return queryset.annotate(rank=rank)


def refresh_vectors(queryset) -> int:
    """Recompute the search words of ``queryset``'s items; returns how many.

    The trigger already fills them on every insert (``bulk_create``
    included) and update, and when a shop or a category is renamed; this is
    for rows written with the trigger disabled, or after changing the
    configurations. Setting the vector to NULL makes the trigger compute it
    again. Nothing to do on SQLite."""
    if not on_postgresql():
        return 0
    return queryset.update(search_vector=None)


def _mark(text: str) -> SafeString:
    """PostgreSQL's headline, escaped, with its marks as <mark> tags."""
    escaped = html.escape(text or "", quote=True)
    marked = re.sub(f"{START}(.*?){STOP}", r"<mark>\1</mark>", escaped, flags=re.DOTALL)
    return mark_safe(marked.replace(START, "").replace(STOP, ""))  # noqa: S308


def _mark_words(text: str, query: str) -> SafeString:
    """``text`` escaped, with the words of ``query`` (accents and case
    ignored) in <mark> tags: SQLite's headline."""
    text = text or ""
    folded_chars = [fold(char) for char in text]
    folded = "".join(folded_chars)
    # Where each folded character comes from in ``text``.
    origin = [index for index, chars in enumerate(folded_chars) for _ in chars]
    spans = []
    for word in {fold(word) for word in words(query)}:
        if word:
            spans += [
                (m.start(), m.end()) for m in re.finditer(re.escape(word), folded)
            ]
    pieces, position = [], 0
    for start, end in sorted(spans):
        start, end = origin[start], origin[end - 1] + 1
        if start < position:
            continue
        pieces.append(html.escape(text[position:start]))
        pieces.append(f"<mark>{html.escape(text[start:end])}</mark>")
        position = end
    pieces.append(html.escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308


def _snippet(text: str, limit: int = 200) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def highlights(items, query: str) -> dict[int, dict[str, SafeString]]:
    """For each of ``items`` (a page of results), its title and an extract of
    its description with the words found in <mark> tags, escaped: ``{pk:
    {"title": ..., "description": ...}}``. One query on PostgreSQL, in the
    reader's language's configuration; none on SQLite."""
    items = list(items)
    if not items or not query:
        return {}
    if not on_postgresql():
        return {
            item.pk: {
                "title": _mark_words(item.title, query),
                "description": _mark_words(_snippet(item.description), query),
            }
            for item in items
        }
    config = CONFIG_FR if (get_language() or "").startswith("fr") else CONFIG_EN
    text_query = search_query(query)
    marks = {"start_sel": START, "stop_sel": STOP}
    rows = (
        Item.objects.filter(pk__in=[item.pk for item in items])
        .annotate(
            title_marked=SearchHeadline(
                "title", text_query, config=config, highlight_all=True, **marks
            ),
            description_marked=SearchHeadline(
                "description",
                text_query,
                config=config,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
                **marks,
            ),
        )
        .values_list("pk", "title_marked", "description_marked")
    )
    return {
        pk: {"title": _mark(title), "description": _mark(description)}
        for pk, title, description in rows
    }
