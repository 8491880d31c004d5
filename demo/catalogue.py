"""The demo catalogue's shape: the category tree (names in English and
French) and how a demo shop and its pieces are described. The shops
themselves are in ``demo.shops`` and ``demo.shops_more``."""

from __future__ import annotations

from dataclasses import dataclass, field

from artists.models import Category

# (slug, English, French, children): two levels, as staff would set them up.
TREE = [
    (
        "ceramics",
        "Ceramics",
        "Céramique",
        [
            ("bowls", "Bowls", "Bols"),
            ("cups-mugs", "Cups and mugs", "Tasses et mugs"),
            ("teapots", "Teapots", "Théières"),
            ("plates", "Plates", "Assiettes"),
            ("vases", "Vases", "Vases"),
        ],
    ),
    (
        "textiles",
        "Textiles",
        "Textiles",
        [
            ("scarves", "Scarves", "Écharpes et foulards"),
            ("blankets", "Blankets and throws", "Plaids et couvertures"),
            ("kitchen-linen", "Kitchen linen", "Linge de cuisine"),
            ("cushions", "Cushions", "Coussins"),
        ],
    ),
    (
        "jewellery",
        "Jewellery",
        "Bijoux",
        [
            ("rings", "Rings", "Bagues"),
            ("earrings", "Earrings", "Boucles d’oreilles"),
            ("necklaces", "Necklaces", "Colliers"),
            ("bracelets", "Bracelets", "Bracelets"),
        ],
    ),
    (
        "wood",
        "Woodwork",
        "Bois",
        [
            ("spoons", "Spoons and utensils", "Cuillères et ustensiles"),
            ("boards", "Boards", "Planches"),
            ("wooden-bowls", "Wooden bowls", "Bols en bois"),
        ],
    ),
    (
        "paper",
        "Paper",
        "Papier",
        [
            ("notebooks", "Notebooks", "Carnets"),
            ("prints", "Prints", "Estampes"),
            ("cards", "Cards", "Cartes"),
        ],
    ),
]


@dataclass
class DemoItem:
    title: str
    description: str
    price: str
    colour: tuple
    shape: str
    # (name, price or None for the item's, stock); "" is named "Standard".
    variants: list = field(default_factory=lambda: [("", None, 6)])
    size_guide: str = ""
    personalisable: bool = False
    category: str = ""  # a slug of TREE


@dataclass
class DemoShop:
    username: str
    language: str
    slug: str
    name: str
    story: str
    location: str
    country: str
    terms: dict
    items: list
    # Days from today: the shop is on holiday from start to end (both days).
    holiday: tuple[int, int] | None = None
    holiday_message: str = ""


def seed_categories() -> dict[str, Category]:
    """The tree by slug; a category staff renamed or moved is left as it is."""
    categories = {}
    for position, (slug, name, name_fr, children) in enumerate(TREE):
        parent, _ = Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "name_fr": name_fr, "position": position},
        )
        categories[slug] = parent
        for child_position, (child_slug, child_name, child_fr) in enumerate(children):
            categories[child_slug], _ = Category.objects.get_or_create(
                slug=child_slug,
                defaults={
                    "parent": parent,
                    "name": child_name,
                    "name_fr": child_fr,
                    "position": child_position,
                },
            )
    return categories
