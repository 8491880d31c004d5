from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class ArtistsConfig(AppConfig):
    name = "artists"
    verbose_name = _("Shops and catalog")

    def ready(self):
        # SQLite's catalogue search folds accents and case in SQL.
        from .search import register_sqlite_functions

        connection_created.connect(
            register_sqlite_functions, dispatch_uid="artists_sqlite_functions"
        )
