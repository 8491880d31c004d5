from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Django's admin with the marketplace's site (escalation queue, staff
    views) as ``admin.site``."""

    default_site = "staff.site.StaffAdminSite"

    def ready(self):
        super().ready()  # autodiscovers every app's admin.py
        from . import admin  # noqa: F401 - the admin log and staff records
