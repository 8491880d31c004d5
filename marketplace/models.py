"""Models every app's state machines share (abstract: no table here)."""

from typing import ClassVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .sentences import render_sentence


class TransitionRecord(models.Model):
    """One row of a state machine's history: the transition that ran, who ran
    it (None: the system), when, and a note. Each history adds the row it
    belongs to and its ``from_state`` and ``to_state`` (with their choices).

    The note is stored as what happened, never as a sentence in the
    language of whoever acted: ``note_event`` (a key of the subclass's
    ``NOTE_SENTENCES``) with its ``note_values`` (see
    ``marketplace.sentences``), and ``note``, the free text a person typed
    (a reason, a staff note), kept as typed. ``note_text()`` writes it in
    the active language."""

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
    note_event = models.CharField(_("note event"), max_length=60, blank=True)
    note_values = models.JSONField(
        _("note values"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )

    # note_event -> the sentence (gettext_lazy, with %(key)s placeholders).
    NOTE_SENTENCES: ClassVar[dict] = {}

    class Meta:
        abstract = True
        ordering = ["at", "id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")

    def __str__(self):
        return f"{self.from_state or '∅'} → {self.to_state}"

    def note_text(self) -> str:
        """The note in the active language: the sentence of ``note_event``
        with its values written the reader's way, around the free text;
        the free text alone for a row without a known event."""
        sentence = self.NOTE_SENTENCES.get(self.note_event)
        if sentence is None:
            return self.note
        return render_sentence(sentence, self.note_values or {}, note=self.note)


class Heartbeat(models.Model):
    """When a background process last proved it runs: ``beat`` is written
    when Celery beat starts and each time its periodic jobs run (or
    ``manage.py run_due_jobs`` runs them); ``GET /health/`` reads it."""

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
