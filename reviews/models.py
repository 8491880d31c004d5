"""Reviews of delivered pieces: one per order line, by its buyer, with stars,
a text and private photos; one public answer from the artist; hidden by
staff with a logged reason. Written by ``reviews.services`` only."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from artists.models import Artist, Item
from marketplace.storage import private_storage
from orders.models import OrderLine


class Review(models.Model):
    """A buyer's review of one piece they received."""

    line = models.ForeignKey(
        OrderLine,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("order line"),
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("item")
    )
    artist = models.ForeignKey(
        Artist,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("artist"),
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("buyer"),
    )
    rating = models.PositiveSmallIntegerField(_("stars"))
    text = models.TextField(_("review"))
    answer = models.TextField(_("artist's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [
            models.Index(
                fields=["item", "is_hidden", "-created_at"], name="review_item_idx"
            ),
            models.Index(
                fields=["artist", "is_hidden", "-created_at"],
                name="review_artist_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["line"], name="one_review_per_line"),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5),
                name="review_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.rating}★ {self.item_id and self.item.title}"

    def get_absolute_url(self):
        """The buyer's page of the review (edit it, see it as hidden)."""
        return reverse("reviews:edit", kwargs={"pk": self.pk})


def review_photo_path(instance, filename):
    return f"reviews/{timezone.now():%Y/%m}/{filename}"


class ReviewPhoto(models.Model):
    """A photo of a review: cleaned (no metadata), in the private storage,
    served by ``reviews.views.review_photo`` while the review is visible."""

    review = models.ForeignKey(
        Review,
        on_delete=models.CASCADE,
        related_name="photos",
        verbose_name=_("review"),
    )
    image = models.ImageField(
        _("photo"), upload_to=review_photo_path, storage=private_storage
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("review photo")
        verbose_name_plural = _("review photos")

    def __str__(self):
        return f"photo {self.pk} of review {self.review_id}"

    def get_absolute_url(self):
        return reverse("reviews:photo", kwargs={"pk": self.pk})


class ModerationAction(models.TextChoices):
    HIDE = "hide", _("hidden")
    UNHIDE = "unhide", _("shown again")


class ReviewModeration(models.Model):
    """The log of staff hiding and showing again a review, with the reason."""

    review = models.ForeignKey(
        Review,
        on_delete=models.CASCADE,
        related_name="moderations",
        verbose_name=_("review"),
    )
    action = models.CharField(
        _("action"), max_length=10, choices=ModerationAction.choices
    )
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("review moderation")
        verbose_name_plural = _("review moderations")

    def __str__(self):
        return f"{self.get_action_display()} review {self.review_id}"
