"""The catalogue's volume for the bench: up to 200,000 items in 200 shops,
inserted with ``INSERT ... SELECT generate_series`` (bench-only SQL; the
product never writes items this way).

Each item is in one of the demo's leaf categories (``demo.catalogue.TREE``),
with a title and description in English or French (half each), a price
skewed towards the cheap end (4 to 400 €), one or two variants (one item in
eight sold out), a photo, one in nine personalisable, one in forty off sale.
Each shop sells three neighbouring categories. The words:

- ``teapot``: the title and category of every item of "Teapots"
  (one in nineteen, French ones "théière");
- ``kintsugi``: the description of one item in 2,000.

Item ``g`` gets the id ``offset + g`` (so that its variants and photo find
it without a lookup) and is ``g`` × 2 minutes old: the newest rows are the
same at every size. Their search vectors are filled by the catalogue's
trigger (migration artists/0006) as they are inserted; ``fill_vectors``
covers a database where it has not run.
"""

from __future__ import annotations

import time

from django.db import connection, transaction

from artists import search
from artists.models import Artist, Item, ItemPhoto, Variant
from bench.seed import _select_list, make_artists, seed_password
from demo.catalogue import TREE, seed_categories

SHOPS = 200
COMMON_WORD = "teapot"
RARE_WORD = "kintsugi"
RARE_EVERY = 2_000
COUNTRIES = ["FR", "BE", "DE", "GB", "US", "IT", "PT", "NL"]

# Leaf category slug -> (English noun, French noun).
NOUNS = {
    "bowls": ("bowl", "bol"),
    "cups-mugs": ("mug", "tasse"),
    "teapots": ("teapot", "théière"),
    "plates": ("plate", "assiette"),
    "vases": ("vase", "vase"),
    "scarves": ("scarf", "écharpe"),
    "blankets": ("throw", "plaid"),
    "kitchen-linen": ("tea towel", "torchon"),
    "cushions": ("cushion cover", "housse de coussin"),
    "rings": ("ring", "bague"),
    "earrings": ("earrings", "boucles d’oreilles"),
    "necklaces": ("necklace", "collier"),
    "bracelets": ("bracelet", "bracelet"),
    "spoons": ("spoon", "cuillère"),
    "boards": ("chopping board", "planche à découper"),
    "wooden-bowls": ("salad bowl", "saladier"),
    "notebooks": ("notebook", "carnet"),
    "prints": ("print", "estampe"),
    "cards": ("greeting card", "carte"),
}
ADJECTIVES_EN = [
    "Speckled", "Hand-thrown", "Small", "Large", "Ink-blue", "Hammered",
    "Woven", "Rustic", "Minimal", "Tall", "Round", "Celadon", "Charcoal",
    "Oatmeal", "Moss green", "Rust", "Striped", "Carved", "Oak", "Linen",
]  # fmt: skip
COMPLEMENTS_FR = [
    "fait main", "en grès", "bleu nuit", "couleur rouille", "en lin",
    "en noyer", "à rayures", "vert mousse", "gris ardoise", "en céladon",
    "martelé", "tissé main", "style japonais", "crème", "en porcelaine",
    "en frêne", "sculpté", "brodé", "en argent recyclé", "à motifs",
]  # fmt: skip
SENTENCES_EN = [
    "Made by hand in a small workshop, one piece at a time.",
    "Every piece is slightly different: the glaze pools where it will.",
    "Fired twice, food safe and dishwasher safe.",
    "Wrapped in recycled paper and sent in a sturdy box.",
    "A lovely present, signed underneath by the maker.",
    "Made from local materials, finished with natural oil.",
    "Care: wash by hand in warm water and dry flat.",
    "Sizes vary a little from the photo; each is measured before it leaves.",
    "Designed to be used every day and to last for years.",
    "The colour comes from iron in the clay and changes with the light.",
]
SENTENCES_FR = [
    "Fabriqué à la main dans un petit atelier, pièce par pièce.",
    "Chaque pièce est un peu différente : l’émail coule où il veut.",
    "Cuit deux fois, compatible avec les aliments et le lave-vaisselle.",
    "Emballé dans du papier recyclé et envoyé dans une boîte solide.",
    "Un joli cadeau, signé dessous par l’artisan.",
    "Fait de matériaux locaux, fini à l’huile naturelle.",
    "Entretien : laver à la main à l’eau tiède et sécher à plat.",
    "Les dimensions varient un peu de la photo ; chaque pièce est mesurée.",
    "Pensé pour servir tous les jours et durer des années.",
    "La couleur vient du fer de l’argile et change avec la lumière.",
]


def _array(values) -> str:
    return "ARRAY[" + ", ".join(_quote(value) for value in values) + "]"


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class CatalogueVolume:
    """The bench's catalogue: its shops, and how many items it holds."""

    def __init__(self, *, log=print):
        self.log = log
        self.rows = 0
        categories = seed_categories()
        self.leaves = [
            categories[slug]
            for _root, _name, _fr, children in TREE
            for slug, _en, _fr2 in children
        ]
        self.artists = make_artists(
            SHOPS, seed_password(), items_per_artist=0, prefix="maker"
        )
        for index, country in enumerate(COUNTRIES):
            Artist.objects.filter(
                pk__in=[a.pk for a in self.artists[index :: len(COUNTRIES)]]
            ).update(country=country)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {Item._meta.db_table}")
            # Room above the existing items and whatever the bench adds later.
            self.offset = cursor.fetchone()[0] + 1_000_000

    # -------------------------------------------------------------- items
    def _item_sql(self, first: int, last: int):
        leaves = len(self.leaves)
        words = ", ".join(
            f"({index}, {leaf.pk}, {_quote(NOUNS[leaf.slug][0])}, {_quote(NOUNS[leaf.slug][1])})"
            for index, leaf in enumerate(self.leaves)
        )
        artists = ",".join(str(artist.pk) for artist in self.artists)
        sentence = (
            "CASE WHEN mod(g, 2) = 0 THEN ({en})[1 + mod(g * {p}, {n})] "
            "ELSE ({fr})[1 + mod(g * {p}, {n})] END"
        )
        description = " || ' ' || ".join(
            sentence.format(
                en=_array(SENTENCES_EN),
                fr=_array(SENTENCES_FR),
                p=prime,
                n=len(SENTENCES_EN),
            )
            for prime in (7, 13, 29)
        )
        columns, selects, params = _select_list(
            Item,
            {
                "id": f"{self.offset} + g",
                "artist": f"(ARRAY[{artists}]::bigint[])[1 + mod(g, {SHOPS})]",
                "category": "w.category_id",
                "title": f"CASE WHEN mod(g, 2) = 0 THEN "
                f"({_array(ADJECTIVES_EN)})[1 + mod(g * 17, {len(ADJECTIVES_EN)})] "
                "|| ' ' || w.noun_en "
                f"ELSE initcap(left(w.noun_fr, 1)) || substr(w.noun_fr, 2) || ' ' || "
                f"({_array(COMPLEMENTS_FR)})[1 + mod(g * 17, {len(COMPLEMENTS_FR)})] END",
                "description": f"{description} || CASE WHEN mod(g, {RARE_EVERY}) = 1 "
                f"THEN ' Repaired with {RARE_WORD} gold.' ELSE '' END",
                "price": "round((4 + 396 * power(mod(g * 7919, 10007) / 10007.0, 2))"
                "::numeric, 2)",
                "size_guide": "''",
                "personalisable": "mod(g, 9) = 0",
                "is_active": "mod(g, 40) <> 0",
                "rating_count": "0",
                "created_at": "now() - g * interval '2 minutes'",
            },
        )
        # A shop sells three neighbouring categories.
        leaf = f"mod(mod(g, {SHOPS}) + mod(g / {SHOPS}, 3), {leaves})"
        sql = (
            f"INSERT INTO {Item._meta.db_table} ({', '.join(columns)}) "
            f"SELECT {', '.join(selects)} FROM generate_series(%s, %s) AS g "
            f"JOIN (VALUES {words}) AS w(k, category_id, noun_en, noun_fr) "
            f"ON w.k = {leaf}"
        )
        return sql, [*params, first, last]

    def _variant_sql(self, first: int, last: int):
        g = f"(i.id - {self.offset})"
        columns, selects, params = _select_list(
            Variant,
            {
                "item": "i.id",
                "name": "CASE WHEN v = 1 THEN 'Standard' ELSE 'Large' END",
                "price": "CASE WHEN v = 1 THEN NULL ELSE i.price + 10 END",
                "stock": f"CASE WHEN mod({g}, 8) = 0 THEN 0 ELSE 1 + mod({g}, 12) END",
                "position": "v - 1",
            },
        )
        sql = (
            f"INSERT INTO {Variant._meta.db_table} ({', '.join(columns)}) "
            f"SELECT {', '.join(selects)} FROM {Item._meta.db_table} i "
            f"CROSS JOIN LATERAL generate_series(1, CASE WHEN mod({g}, 3) = 0 "
            "THEN 2 ELSE 1 END) AS v WHERE i.id BETWEEN %s AND %s"
        )
        return sql, [*params, self.offset + first, self.offset + last]

    def _photo_sql(self, first: int, last: int):
        columns, selects, params = _select_list(
            ItemPhoto,
            {
                "item": "i.id",
                "image": "'items/' || i.id || '/photo.jpg'",
                "thumbnail": "'items/' || i.id || '/photo-thumb.jpg'",
                "position": "0",
            },
        )
        sql = (
            f"INSERT INTO {ItemPhoto._meta.db_table} ({', '.join(columns)}) "
            f"SELECT {', '.join(selects)} FROM {Item._meta.db_table} i "
            "WHERE i.id BETWEEN %s AND %s"
        )
        return sql, [*params, self.offset + first, self.offset + last]

    def grow(self, total: int, *, chunk: int = 50_000) -> None:
        """Items until the bench's catalogue holds ``total``."""
        started = time.monotonic()
        with connection.cursor() as cursor:
            while self.rows < total:
                first, last = self.rows + 1, min(total, self.rows + chunk)
                with transaction.atomic():
                    for sql, params in (
                        self._item_sql(first, last),
                        self._variant_sql(first, last),
                        self._photo_sql(first, last),
                    ):
                        cursor.execute(sql, params)
                self.rows = last
                self.log(
                    f"catalogue items: {last:,} ({time.monotonic() - started:.0f} s)"
                )
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                f"(SELECT max(id) FROM {Item._meta.db_table}))",
                [Item._meta.db_table],
            )
            self.fill_vectors(cursor)
            cursor.execute("VACUUM ANALYZE")

    def fill_vectors(self, cursor) -> None:
        """The search vectors the trigger left empty (none when it ran), through
        the catalogue's own refresh."""
        missing = Item.objects.filter(search_vector__isnull=True)
        if missing.exists():
            count = search.refresh_vectors(missing)
            self.log(f"catalogue: {count:,} search vectors refreshed")
