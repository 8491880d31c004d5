"""Changes to shops, items, variants and stock alerts.

Every door (dashboard pages, API, admin, jobs) calls these functions. Each
one locks the row it decides on, validates, saves only the fields it changed,
and records notifications in the same transaction. Callers fetch the objects
through ``artists.selectors`` so that an artist only ever reaches its own.

Keyword arguments left at ``None`` are not changed; for fields where ``None``
is a meaningful value (a variant's price, the free-shipping threshold) the
"not given" marker is ``...``.
"""

from .items import (
    item_add_photo,
    item_create,
    item_remove_photo,
    item_update,
    stock_alert_create,
    variant_create,
    variant_update,
)
from .shops import (
    PROFILE_FIELDS,
    SHOP_NAME_MAX_LENGTH,
    TERMS_FIELDS,
    artist_add_photo,
    artist_approve,
    artist_create,
    artist_remove_photo,
    artist_set_holiday,
    artist_update_profile,
    artist_update_terms,
    shop_name_errors,
)
from .steps import MAX_PHOTOS

__all__ = [
    "MAX_PHOTOS",
    "PROFILE_FIELDS",
    "SHOP_NAME_MAX_LENGTH",
    "TERMS_FIELDS",
    "artist_add_photo",
    "artist_approve",
    "artist_create",
    "artist_remove_photo",
    "artist_set_holiday",
    "artist_update_profile",
    "artist_update_terms",
    "item_add_photo",
    "item_create",
    "item_remove_photo",
    "item_update",
    "shop_name_errors",
    "stock_alert_create",
    "variant_create",
    "variant_update",
]
