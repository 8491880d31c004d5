"""The staff's workplace: the admin site with its escalation queue, the
transition buttons of the admin, and the few services only staff runs."""
