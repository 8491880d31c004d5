"""``Item.in_stock``: whether at least one of the item's variants has stock,
kept exact by the database so that the catalogue can filter and count on a
column instead of asking the variants of every item (docs/performance.md,
"Catalogue").

Triggers, on both databases, so that no write path can forget it (checkout's
guarded UPDATE of several variants, a release, the admin's inline,
``bulk_create``, a bulk ``update()``):

- on the variant table, after an insert, a change of stock or item, or a
  delete, the items concerned are recounted;
- on the item table, a write of ``in_stock`` itself (``Item.save()`` writes
  every column, with what it read earlier) recounts it instead, so a stale
  value cannot be saved back.

PostgreSQL: one trigger per statement (with its transition tables), which
locks the items whose variants crossed zero in id order before recounting
them with what is committed: two checkouts emptying variants of the same
items wait for each other instead of deadlocking, and the recount sees the
other's stock. A stock going from 3 to 2 touches no item. SQLite has
only row triggers, and one writer at a time.
"""

from django.db import migrations, models

POSTGRES = """
CREATE FUNCTION artists_item_in_stock() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.in_stock := EXISTS (
        SELECT 1 FROM artists_variant WHERE item_id = NEW.id AND stock > 0
    );
    RETURN NEW;
END
$$;

CREATE TRIGGER artists_item_in_stock
BEFORE INSERT OR UPDATE OF in_stock ON artists_item
FOR EACH ROW EXECUTE FUNCTION artists_item_in_stock();

CREATE FUNCTION artists_variant_in_stock() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    touched bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT item_id) INTO touched
        FROM new_rows WHERE stock > 0;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT item_id) INTO touched
        FROM old_rows WHERE stock > 0;
    ELSE
        SELECT array_agg(DISTINCT changed.item_id) INTO touched FROM (
            SELECT o.item_id AS old_item, n.item_id AS new_item
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.stock > 0) <> (n.stock > 0) OR o.item_id <> n.item_id
        ) AS crossed
        CROSS JOIN LATERAL (VALUES (crossed.old_item), (crossed.new_item))
            AS changed(item_id);
    END IF;
    IF touched IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM artists_item WHERE id = ANY (touched) ORDER BY id FOR UPDATE;
    -- (artists_item_in_stock recounts the value written)
    UPDATE artists_item AS item
    SET in_stock = NOT item.in_stock
    WHERE item.id = ANY (touched)
      AND item.in_stock IS DISTINCT FROM EXISTS (
          SELECT 1 FROM artists_variant v WHERE v.item_id = item.id AND v.stock > 0
      );
    RETURN NULL;
END
$$;

CREATE TRIGGER artists_variant_in_stock_insert
AFTER INSERT ON artists_variant REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION artists_variant_in_stock();

CREATE TRIGGER artists_variant_in_stock_update
AFTER UPDATE ON artists_variant
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION artists_variant_in_stock();

CREATE TRIGGER artists_variant_in_stock_delete
AFTER DELETE ON artists_variant REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION artists_variant_in_stock();
"""

DROP_POSTGRES = """
DROP TRIGGER IF EXISTS artists_variant_in_stock_delete ON artists_variant;
DROP TRIGGER IF EXISTS artists_variant_in_stock_update ON artists_variant;
DROP TRIGGER IF EXISTS artists_variant_in_stock_insert ON artists_variant;
DROP FUNCTION IF EXISTS artists_variant_in_stock();
DROP TRIGGER IF EXISTS artists_item_in_stock ON artists_item;
DROP FUNCTION IF EXISTS artists_item_in_stock();
"""

# SQLite runs one statement at a time per trigger: a list.
RECOUNT = (
    "UPDATE artists_item SET in_stock = EXISTS (SELECT 1 FROM artists_variant v "
    "WHERE v.item_id = artists_item.id AND v.stock > 0) WHERE id IN ({ids});"
)
WRONG = (
    "WHEN NEW.in_stock IS NOT EXISTS (SELECT 1 FROM artists_variant v "
    "WHERE v.item_id = NEW.id AND v.stock > 0) "
)
SQLITE = [
    "CREATE TRIGGER artists_item_in_stock_insert AFTER INSERT ON artists_item "
    f"{WRONG}BEGIN {RECOUNT.format(ids='NEW.id')} END",
    "CREATE TRIGGER artists_item_in_stock AFTER UPDATE OF in_stock ON artists_item "
    f"{WRONG}BEGIN {RECOUNT.format(ids='NEW.id')} END",
    "CREATE TRIGGER artists_variant_in_stock_insert AFTER INSERT ON artists_variant "
    f"BEGIN {RECOUNT.format(ids='NEW.item_id')} END",
    "CREATE TRIGGER artists_variant_in_stock_update "
    "AFTER UPDATE OF stock, item_id ON artists_variant "
    f"BEGIN {RECOUNT.format(ids='OLD.item_id, NEW.item_id')} END",
    "CREATE TRIGGER artists_variant_in_stock_delete AFTER DELETE ON artists_variant "
    f"BEGIN {RECOUNT.format(ids='OLD.item_id')} END",
]
DROP_SQLITE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "artists_variant_in_stock_delete",
        "artists_variant_in_stock_update",
        "artists_variant_in_stock_insert",
        "artists_item_in_stock",
        "artists_item_in_stock_insert",
    )
]
BACKFILL = RECOUNT.format(ids="SELECT id FROM artists_item")


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    elif vendor == "sqlite":
        for sql in SQLITE:
            schema_editor.execute(sql)
    schema_editor.execute(BACKFILL)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(DROP_POSTGRES)
    elif vendor == "sqlite":
        for sql in DROP_SQLITE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("artists", "0006_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="item",
            name="in_stock",
            field=models.BooleanField(
                db_default=False,
                default=False,
                editable=False,
                verbose_name="in stock",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.AddIndex(
            model_name="item",
            index=models.Index(
                condition=models.Q(("is_active", True)),
                fields=["category", "price"],
                include=["artist", "in_stock", "personalisable"],
                name="artists_item_catalogue",
            ),
        ),
    ]
