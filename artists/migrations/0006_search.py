"""The catalogue's full-text search on PostgreSQL (nothing of it on SQLite):

- the ``unaccent`` extension and two text search configurations,
  ``marketplace_en`` and ``marketplace_fr``: copies of ``english`` and
  ``french`` whose words pass through ``unaccent`` before stemming, so that
  "théière" and "theiere" are the same word;
- ``Item.search_vector`` with its GIN index, kept by a trigger: title
  (weight A), artist name and category with its parents, both languages (B),
  description (C), each in both configurations. Inserting or changing an item
  (``bulk_create`` and ``update()`` included) fills it; renaming a shop or a
  category refreshes their items; setting it to NULL asks for it again
  (``artists.search.refresh_vectors``).
"""

import django.contrib.postgres.search
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

import artists.indexes

CONFIGS = """
CREATE TEXT SEARCH CONFIGURATION marketplace_en (COPY = english);
ALTER TEXT SEARCH CONFIGURATION marketplace_en
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
CREATE TEXT SEARCH CONFIGURATION marketplace_fr (COPY = french);
ALTER TEXT SEARCH CONFIGURATION marketplace_fr
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
"""

DROP_CONFIGS = """
DROP TEXT SEARCH CONFIGURATION IF EXISTS marketplace_en;
DROP TEXT SEARCH CONFIGURATION IF EXISTS marketplace_fr;
"""

TRIGGERS = """
CREATE FUNCTION artists_item_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    artist_name text;
    category_names text;
BEGIN
    SELECT name INTO artist_name FROM artists_artist WHERE id = NEW.artist_id;
    WITH RECURSIVE path AS (
        SELECT id, parent_id, name, name_fr
        FROM artists_category WHERE id = NEW.category_id
        UNION ALL
        SELECT c.id, c.parent_id, c.name, c.name_fr
        FROM artists_category c JOIN path ON c.id = path.parent_id
    )
    SELECT string_agg(concat_ws(' ', name, name_fr), ' ') INTO category_names
    FROM path;
    NEW.search_vector :=
        setweight(to_tsvector('marketplace_en', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('marketplace_fr', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('marketplace_en',
               concat_ws(' ', artist_name, category_names)), 'B')
        || setweight(to_tsvector('marketplace_fr',
               concat_ws(' ', artist_name, category_names)), 'B')
        || setweight(to_tsvector('marketplace_en', coalesce(NEW.description, '')), 'C')
        || setweight(to_tsvector('marketplace_fr', coalesce(NEW.description, '')), 'C');
    RETURN NEW;
END
$$;

CREATE TRIGGER artists_item_search_vector
BEFORE INSERT OR UPDATE OF title, description, artist_id, category_id, search_vector
ON artists_item FOR EACH ROW EXECUTE FUNCTION artists_item_search_vector();

CREATE FUNCTION artists_artist_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE artists_item SET search_vector = NULL WHERE artist_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER artists_artist_search_vector
AFTER UPDATE OF name ON artists_artist FOR EACH ROW
WHEN (OLD.name IS DISTINCT FROM NEW.name)
EXECUTE FUNCTION artists_artist_search_vector();

CREATE FUNCTION artists_category_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH RECURSIVE subtree AS (
        SELECT id FROM artists_category WHERE id = NEW.id
        UNION ALL
        SELECT c.id FROM artists_category c JOIN subtree ON c.parent_id = subtree.id
    )
    UPDATE artists_item SET search_vector = NULL
    WHERE category_id IN (SELECT id FROM subtree);
    RETURN NULL;
END
$$;

CREATE TRIGGER artists_category_search_vector
AFTER UPDATE OF name, name_fr, parent_id ON artists_category FOR EACH ROW
WHEN (OLD.name IS DISTINCT FROM NEW.name
      OR OLD.name_fr IS DISTINCT FROM NEW.name_fr
      OR OLD.parent_id IS DISTINCT FROM NEW.parent_id)
EXECUTE FUNCTION artists_category_search_vector();

UPDATE artists_item SET search_vector = NULL;
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS artists_category_search_vector ON artists_category;
DROP FUNCTION IF EXISTS artists_category_search_vector();
DROP TRIGGER IF EXISTS artists_artist_search_vector ON artists_artist;
DROP FUNCTION IF EXISTS artists_artist_search_vector();
DROP TRIGGER IF EXISTS artists_item_search_vector ON artists_item;
DROP FUNCTION IF EXISTS artists_item_search_vector();
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("artists", "0005_categories_ratings"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(on_postgresql(CONFIGS), on_postgresql(DROP_CONFIGS)),
        migrations.AddField(
            model_name="item",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.RunPython(on_postgresql(TRIGGERS), on_postgresql(DROP_TRIGGERS)),
        migrations.AddIndex(
            model_name="item",
            index=artists.indexes.PostgresGinIndex(
                fields=["search_vector"], name="artists_item_search_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="item",
            index=models.Index(
                fields=["-created_at", "-id"], name="artists_item_newest"
            ),
        ),
        migrations.AddIndex(
            model_name="item",
            index=models.Index(fields=["price"], name="artists_item_price"),
        ),
    ]
