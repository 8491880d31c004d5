from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Django's admin with the marketplace's site (escalation queue, staff
    views) as ``admin.site``."""

    default_site = "staff.site.StaffAdminSite"
