from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo marketplace of ``make run`` (``python manage.py seed_demo``)."""

    name = "demo"
    verbose_name = "Demo"
