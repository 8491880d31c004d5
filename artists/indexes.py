"""The full-text index of the catalogue: a GIN index on PostgreSQL, nothing
on other databases (SQLite searches with a simpler match, artists/search.py)."""

from django.contrib.postgres.indexes import GinIndex


class PostgresGinIndex(GinIndex):
    """A GIN index created only on PostgreSQL; elsewhere its migration is a
    no-op, so that the same models and migrations run on SQLite."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().remove_sql(model, schema_editor, **kwargs)
