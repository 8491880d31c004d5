"""Conversations between a buyer and an artist, and the staff's trace.

A thread is about one of: an artist order, a return request (which owns its
thread through ``ReturnRequest.thread``, ``related_name="return_request"``),
an item, or the shop in general. Messages are written by a participant, by
staff (``is_staff_post``) or by the system (``system``: a state change,
stored as an ``event`` and its ``context`` and rendered in each reader's
language when read).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from marketplace.storage import private_storage

MAX_PHOTOS_PER_MESSAGE = 3


class ThreadKind(models.TextChoices):
    GENERAL = "general", _("the shop in general")
    ITEM = "item", _("an item")
    ARTIST_ORDER = "artist_order", _("an order")
    RETURN_REQUEST = "return_request", _("a return request")
    SUPPORT = "support", _("the marketplace team")


class SupportSide(models.TextChoices):
    """Who opened a support thread: a buyer (from the account) or an artist
    (from the seller dashboard)."""

    BUYER = "buyer", _("as a buyer")
    ARTIST = "artist", _("as an artist")


class Thread(models.Model):
    """A conversation between one buyer and one artist's shop; or, for a
    support thread (``kind`` "support"), between the person who opened it
    (``buyer``, whatever their side: ``opened_as``) and the marketplace
    team, with no shop, about an artist order, a return request
    (``support_return_request``) or nothing in particular."""

    kind = models.CharField(
        _("about"),
        max_length=20,
        choices=ThreadKind.choices,
        default=ThreadKind.GENERAL,
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="message_threads",
        verbose_name=_("buyer"),
    )
    artist = models.ForeignKey(
        "artists.Artist",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="message_threads",
        verbose_name=_("artist"),
        help_text=_("Empty for a support thread."),
    )
    opened_as = models.CharField(
        _("opened"),
        max_length=10,
        choices=SupportSide.choices,
        blank=True,
        help_text=_("For a support thread: the side of the person who opened it."),
    )
    support_return_request = models.ForeignKey(
        "returns.ReturnRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_threads",
        verbose_name=_("return request asked about"),
    )
    artist_order = models.ForeignKey(
        "orders.ArtistOrder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="message_threads",
        verbose_name=_("artist order"),
    )
    item = models.ForeignKey(
        "artists.Item",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="message_threads",
        verbose_name=_("item"),
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message at"), default=timezone.now)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        indexes = [
            models.Index(
                fields=["buyer", "-last_message_at"], name="thread_buyer_recent"
            ),
            models.Index(
                fields=["artist", "-last_message_at"], name="thread_artist_recent"
            ),
            models.Index(fields=["artist", "created_at"], name="thread_artist_started"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "artist", "artist_order"],
                condition=Q(kind="artist_order"),
                name="one_thread_per_artist_order",
            ),
            models.UniqueConstraint(
                fields=["buyer", "artist", "item"],
                condition=Q(kind="item"),
                name="one_thread_per_buyer_and_item",
            ),
            models.UniqueConstraint(
                fields=["buyer", "artist"],
                condition=Q(kind="general"),
                name="one_general_thread_per_buyer_and_shop",
            ),
            models.CheckConstraint(
                condition=~Q(kind="artist_order") | Q(artist_order__isnull=False),
                name="order_thread_has_its_order",
            ),
            # A support thread has no shop and says on which side it was
            # opened; every other thread has its shop and no side.
            models.CheckConstraint(
                condition=Q(
                    kind="support",
                    artist__isnull=True,
                    opened_as__in=["buyer", "artist"],
                )
                | (
                    ~Q(kind="support")
                    & Q(artist__isnull=False, opened_as="")
                    & Q(support_return_request__isnull=True)
                ),
                name="support_thread_shape",
            ),
        ]

    def __str__(self):
        other = self.artist if self.artist_id else _("Atelier team")
        return f"#{self.pk} {self.buyer} ↔ {other}: {self.display_subject}"

    def get_absolute_url(self):
        return reverse("messaging:thread", kwargs={"pk": self.pk})

    @property
    def return_request_or_none(self):
        """The return request owning this thread, or None (the returns app
        links it with a one-to-one ``thread`` field)."""
        try:
            return self.return_request
        except (ObjectDoesNotExist, AttributeError):
            return None

    @property
    def is_support(self) -> bool:
        return self.kind == ThreadKind.SUPPORT

    @property
    def display_subject(self) -> str:
        """The subject, or what the thread is about, in the active language."""
        if self.subject:
            return self.subject
        if self.is_support:
            return str(_("Question to the marketplace team"))
        if self.kind == ThreadKind.ARTIST_ORDER and self.artist_order_id:
            return str(_("Order %(number)s")) % {
                "number": self.artist_order.order.number
            }
        if self.kind == ThreadKind.RETURN_REQUEST:
            return_request = self.return_request_or_none
            if return_request is not None:
                subject = (
                    _("Exchange #%(id)s, order %(number)s")
                    if return_request.kind == "exchange"
                    else _("Return #%(id)s, order %(number)s")
                )
                # The thread keeps the request's artist order (selected with it).
                artist_order = (
                    self.artist_order
                    if self.artist_order_id
                    else return_request.artist_order
                )
                return str(subject) % {
                    "id": return_request.pk,
                    "number": artist_order.order.number,
                }
            return str(_("Return request"))
        if self.kind == ThreadKind.ITEM and self.item_id:
            return self.item.title
        return str(_("Question to the shop"))

    @property
    def buyer_name(self) -> str:
        """The buyer as the artist knows them: the name the order is shipped
        to (as on the artist's orders), else the account's name. For a
        support thread: the account's name."""
        if self.artist_order_id and not self.is_support:
            return self.artist_order.order.shipping_name
        return self.buyer.get_full_name() or self.buyer.username

    def is_participant(self, user) -> bool:
        return bool(user.is_authenticated) and (
            user.pk == self.buyer_id
            or (self.artist_id is not None and user.pk == self.artist.user_id)
        )


class SupportThreadManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=ThreadKind.SUPPORT)


class SupportThread(Thread):
    """The support threads, for the staff's support inbox in the admin."""

    objects = SupportThreadManager()

    class Meta:
        proxy = True
        verbose_name = _("support thread")
        verbose_name_plural = _("support inbox")


class ReportReason(models.TextChoices):
    """Why a participant reports a message to the marketplace team."""

    ABUSE = "abuse", _("Insults, threats or harassment")
    SPAM = "spam", _("Spam or advertising")
    OFF_MARKETPLACE = "off_marketplace", _("Asks to pay or deal outside Atelier")
    PERSONAL_DATA = "personal_data", _("Shares someone's private details")
    OTHER = "other", _("Something else")


class Message(models.Model):
    thread = models.ForeignKey(
        Thread,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("thread"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
        help_text=_("Empty for a system message."),
    )
    body = models.TextField(_("message"), blank=True)
    system = models.BooleanField(_("system message"), default=False)
    # A system message keeps what happened, not a sentence: it is rendered
    # from templates/messaging/system/<event>.txt in each reader's language.
    event = models.CharField(_("event"), max_length=60, blank=True)
    context = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    is_staff_post = models.BooleanField(_("posted by staff"), default=False)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("flagged by"),
    )
    flagged_reason = models.TextField(_("reason for flagging"), blank=True)
    flagged_category = models.CharField(
        _("reported as"), max_length=20, choices=ReportReason.choices, blank=True
    )
    # Staff's decision to leave a reported message shown (hiding it is the
    # other decision): the report leaves the escalation queue.
    flag_dismissed_at = models.DateTimeField(
        _("report dismissed at"), null=True, blank=True
    )
    flag_dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("report dismissed by"),
    )
    flag_dismissed_note = models.TextField(_("note on the dismissal"), blank=True)
    # A retried worker posting the same state change finds this key taken.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["thread", "created_at"], name="message_thread_time"),
            models.Index(
                fields=["flagged_at"],
                condition=Q(flagged_at__isnull=False),
                name="message_flagged",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(system=True) | Q(author__isnull=False),
                name="message_has_author_unless_system",
            ),
        ]

    def __str__(self):
        who = self.author or _("system")
        # In the local time zone, as every time on the admin's pages.
        when = timezone.localtime(self.created_at)
        return f"{who} @ {date_format(when, 'SHORT_DATETIME_FORMAT')}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_flagged(self) -> bool:
        return self.flagged_at is not None

    @property
    def report_is_open(self) -> bool:
        """Reported (or flagged by staff) and not decided yet: neither hidden
        nor dismissed."""
        return (
            self.flagged_at is not None
            and self.hidden_at is None
            and self.flag_dismissed_at is None
        )


def message_photo_path(instance, filename):
    return f"messages/{timezone.now():%Y/%m}/{filename}"


class MessagePhoto(models.Model):
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        related_name="photos",
        verbose_name=_("message"),
    )
    image = models.ImageField(
        _("photo"), upload_to=message_photo_path, storage=private_storage
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("message photo")
        verbose_name_plural = _("message photos")

    def __str__(self):
        return f"photo {self.pk} of message {self.message_id}"

    def get_absolute_url(self):
        return reverse("messaging:photo", kwargs={"pk": self.pk})


class ThreadReadState(models.Model):
    """Up to when a user has read a thread; later messages by others are unread."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="read_states"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    last_read_at = models.DateTimeField()

    class Meta:
        verbose_name = _("read state")
        verbose_name_plural = _("read states")
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "user"], name="one_read_state_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user} read #{self.thread_id} until {self.last_read_at}"


class StaffActionKind(models.TextChoices):
    HIDE = "hide", _("hid a message")
    FLAG = "flag", _("flagged a message")
    DISMISS_FLAG = "dismiss_flag", _("dismissed a report")
    SUSPEND = "suspend", _("suspended an account")
    REINSTATE = "reinstate", _("reinstated an account")
    STAFF_POST = "staff_post", _("posted as staff")
    REFUND_HANDLED = "refund_handled", _("marked a failed refund as handled")


class StaffAction(models.Model):
    """What a member of staff did, to what, why and when: never edited."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(
        _("action"), max_length=20, choices=StaffActionKind.choices
    )
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("target type"),
    )
    target_id = models.CharField(_("target id"), max_length=40)
    target_repr = models.CharField(_("target"), max_length=200)
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("staff action")
        verbose_name_plural = _("staff actions")
        indexes = [
            models.Index(
                fields=["target_type", "target_id"], name="staff_action_target"
            )
        ]

    def __str__(self):
        return f"{self.by} {self.get_action_display()} {self.target_repr}"
