"""The returns part of the staff's workplace (``requests``; the buttons in
``transitions``)."""

from . import requests  # noqa: F401  (registers the admins)
