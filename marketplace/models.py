"""Models every app's state machines share (abstract: no table here)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransitionRecord(models.Model):
    """One row of a state machine's history: the transition that ran, who ran
    it (None: the system), when, and a note. Each history adds the row it
    belongs to and its ``from_state`` and ``to_state`` (with their choices)."""

    transition = models.CharField(_("transition"), max_length=40)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")

    def __str__(self):
        return f"{self.from_state or '∅'} → {self.to_state}"
