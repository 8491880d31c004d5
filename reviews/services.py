"""Reviews, one function per action, every door (pages, API, admin, the
orders hook) calls them.

A buyer reviews a piece once its artist order is delivered (or completed):
``review_create``. They may edit it for ``rules.EDIT_DAYS`` days
(``review_edit``); the artist answers it once, publicly (``review_answer``);
staff hide it with a reason, logged, and its author is told
(``review_hide``), or show it again (``review_unhide``).

Each runs in one transaction that locks the item's row first (then the
review's, then the shop's), so that the item's and the shop's
``rating_count`` and ``rating_average`` are recomputed from the visible
reviews with nothing changing meanwhile, and two reviews of the same line
cannot both pass the "once" check (the unique constraint stands behind it).
Emails are recorded in the same transaction (``marketplace.notifications``).
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from artists.models import Artist, Item
from marketplace.errors import Conflict, DomainError
from marketplace.images import clean_photos
from marketplace.notifications.services import notify
from marketplace.transitions import clean_text
from orders.models import OrderLine

from . import rules
from .emails import invitation_context, review_email_context
from .models import ModerationAction, Review, ReviewModeration, ReviewPhoto

logger = logging.getLogger(__name__)


# Steps --------------------------------------------------------------------------


def _clean_rating(rating) -> int:
    try:
        value = int(str(rating).strip())
    except (TypeError, ValueError):
        value = 0
    if value not in rules.RATINGS:
        raise DomainError(_("Choose from 1 to 5 stars."), field="rating")
    return value


def _clean_review_text(text) -> str:
    return clean_text(
        text,
        field="text",
        max_length=rules.TEXT_MAX_LENGTH,
        required=True,
        message=_("Say a few words about the piece."),
    )


def _clean_photos(photos, *, already: int = 0) -> list:
    """The photos re-encoded without metadata (``marketplace.images``), or a
    ``photos`` error: at most ``MAX_PHOTOS`` with the ``already`` kept."""
    photos = [photo for photo in (photos or ()) if photo]
    if already + len(photos) > rules.MAX_PHOTOS:
        raise DomainError(
            _("At most %(count)s photos.") % {"count": rules.MAX_PHOTOS},
            field="photos",
        )
    return clean_photos(photos)


def _store_photos(review: Review, cleaned: list, *, at, stored: list) -> None:
    for photo in cleaned:
        saved = ReviewPhoto(review=review, created_at=at)
        saved.image.save(photo.name, photo, save=False)
        stored.append(saved.image.name)
        saved.save()


def _delete_files(names: list[str]) -> None:
    storage = ReviewPhoto._meta.get_field("image").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete review photo %s", name)


def _state(review: Review) -> str:
    return "hidden" if review.is_hidden else "published"


def _lock(review: Review) -> Review:
    """Lock the item, then the review, and read the review afresh."""
    Item.objects.select_for_update().filter(pk=review.item_id).first()
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("item", "artist__user", "buyer", "line__artist_order__order")
        .get(pk=review.pk)
    )


def ratings_refresh(*, item_id: int, artist_id: int) -> None:
    """Recompute the item's and the shop's count and average from their
    visible reviews (call it with the item's row locked: the shop's row is
    locked here, after it)."""
    Artist.objects.select_for_update().filter(pk=artist_id).first()
    for model, pk, scope in (
        (Item, item_id, {"item_id": item_id}),
        (Artist, artist_id, {"artist_id": artist_id}),
    ):
        totals = Review.objects.filter(is_hidden=False, **scope).aggregate(
            count=Count("id"), total=Sum("rating")
        )
        count = totals["count"] or 0
        model.objects.filter(pk=pk).update(
            rating_count=count,
            rating_average=rules.average(totals["total"] or 0, count),
        )


def _sync(caller: Review, locked: Review) -> None:
    if caller is locked:
        return
    for field in Review._meta.concrete_fields:
        caller.__dict__[field.attname] = locked.__dict__.get(field.attname)
    caller.__dict__.pop("_prefetched_objects_cache", None)


# Actions ------------------------------------------------------------------------


def review_create(*, buyer, line: OrderLine, rating, text, photos=()) -> Review:
    """The buyer of ``line`` reviews it: a published review with its photos
    (cleaned, private to the review), the item's and the shop's averages
    recomputed, the artist emailed.

    :raises PermissionDenied: ``buyer`` did not buy ``line``.
    :raises Conflict: the artist order is not delivered yet, or was
        refused or cancelled.
    :raises DomainError: ``rating`` (not 1 to 5), ``text`` (empty, too
        long), ``photos`` (more than five, not a photo), ``line`` (already
        reviewed, or its item no longer exists).
    """
    rating = _clean_rating(rating)
    text = _clean_review_text(text)
    cleaned = _clean_photos(photos)
    stored: list[str] = []
    try:
        with transaction.atomic():
            line = OrderLine.objects.select_related(
                "artist_order__order", "artist_order__artist__user"
            ).get(pk=line.pk)
            artist_order = line.artist_order
            if artist_order.order.buyer_id != getattr(buyer, "pk", None):
                raise PermissionDenied(_("Only the buyer of this piece can review it."))
            reviewable = rules.line_reviewable(artist_order)
            if not reviewable.ok:
                raise Conflict(reviewable.why_not, state=artist_order.state)
            item = (
                Item.objects.select_for_update()
                .filter(pk=line.item_id_snapshot)
                .first()
            )
            if item is None:
                raise DomainError(
                    _("This piece is no longer in the catalogue."), field="line"
                )
            if Review.objects.filter(line=line).exists():
                raise DomainError(
                    _(
                        "You have already reviewed this piece: edit your review instead."
                    ),
                    field="line",
                )
            now = timezone.now()
            try:
                with transaction.atomic():
                    review = Review.objects.create(
                        line=line,
                        item=item,
                        artist_id=artist_order.artist_id,
                        buyer=buyer,
                        rating=rating,
                        text=text,
                        created_at=now,
                    )
            except IntegrityError:
                raise DomainError(
                    _(
                        "You have already reviewed this piece: edit your review instead."
                    ),
                    field="line",
                ) from None
            _store_photos(review, cleaned, at=now, stored=stored)
            ratings_refresh(item_id=item.pk, artist_id=artist_order.artist_id)
            artist_user = artist_order.artist.user
            notify(
                recipient=artist_user,
                event="review_received",
                context=review_email_context(review=review, recipient=artist_user),
                dedupe_key=f"review-received:{review.pk}",
            )
    except BaseException:
        _delete_files(stored)
        raise
    return review


def review_edit(
    *, review: Review, by, rating=None, text=None, photos=(), remove_photos=()
) -> Review:
    """Its buyer changes ``review`` (the stars, the text; adds ``photos``,
    removes the photos of ids ``remove_photos``) within ``EDIT_DAYS`` days
    of writing it; the averages are recomputed.

    :raises PermissionDenied: ``by`` is not its buyer.
    :raises Conflict: more than ``EDIT_DAYS`` days after writing it, or
        hidden by staff.
    :raises DomainError: ``rating``, ``text`` or ``photos`` as for
        ``review_create``.
    """
    new_rating = None if rating in (None, "") else _clean_rating(rating)
    new_text = None if text is None else _clean_review_text(text)
    remove_ids = set()
    for value in remove_photos or ():
        try:
            remove_ids.add(int(value))
        except (TypeError, ValueError):
            raise DomainError(_("Unknown photo."), field="remove_photos") from None
    stored: list[str] = []
    removed_names: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock(review)
            if locked.buyer_id != getattr(by, "pk", None):
                raise PermissionDenied(_("Only its author can edit this review."))
            if locked.is_hidden:
                raise Conflict(
                    _(
                        "The marketplace team hid this review: it can no longer be edited."
                    ),
                    state=_state(locked),
                )
            now = timezone.now()
            if not rules.can_edit(locked, at=now):
                raise Conflict(
                    _("A review can be edited for %(days)s days after writing it.")
                    % {"days": rules.EDIT_DAYS},
                    state=_state(locked),
                )
            kept = list(locked.photos.all())
            if remove_ids - {photo.pk for photo in kept}:
                raise DomainError(_("Unknown photo."), field="remove_photos")
            removed = [photo for photo in kept if photo.pk in remove_ids]
            cleaned = _clean_photos(photos, already=len(kept) - len(removed))
            fields = ["edited_at", "updated_at"]
            if new_rating is not None:
                locked.rating = new_rating
                fields.append("rating")
            if new_text is not None:
                locked.text = new_text
                fields.append("text")
            locked.edited_at = now
            locked.save(update_fields=fields)
            for photo in removed:
                removed_names.append(photo.image.name)
                photo.delete()
            _store_photos(locked, cleaned, at=now, stored=stored)
            ratings_refresh(item_id=locked.item_id, artist_id=locked.artist_id)
    except BaseException:
        _delete_files(stored)
        raise
    _delete_files(removed_names)
    _sync(review, locked)
    return review


def review_answer(*, review: Review, artist: Artist, text) -> Review:
    """The artist of ``review`` answers it, once, publicly.

    :raises PermissionDenied: ``artist`` is not the review's shop.
    :raises Conflict: already answered, or hidden by staff.
    :raises DomainError: ``text`` empty or too long.
    """
    text = clean_text(
        text,
        field="text",
        max_length=rules.ANSWER_MAX_LENGTH,
        required=True,
        message=_("Write your answer."),
    )
    with transaction.atomic():
        locked = _lock(review)
        if locked.artist_id != getattr(artist, "pk", None):
            raise PermissionDenied(_("Only the artist of this piece can answer."))
        if locked.answered_at is not None:
            raise Conflict(
                _("You have already answered this review."), state=_state(locked)
            )
        if locked.is_hidden:
            raise Conflict(
                _("The marketplace team hid this review: it cannot be answered."),
                state=_state(locked),
            )
        locked.answer = text
        locked.answered_at = timezone.now()
        locked.save(update_fields=["answer", "answered_at", "updated_at"])
    _sync(review, locked)
    return review


def _require_staff(by) -> None:
    if not (by is not None and by.is_authenticated and by.is_staff):
        raise PermissionDenied(_("Only the marketplace team can do this."))


def review_hide(*, review: Review, by, reason) -> Review:
    """Staff hide ``review`` from everyone but its author, with ``reason``:
    logged, the averages recomputed without it, its author emailed.

    :raises PermissionDenied: ``by`` is not staff.
    :raises Conflict: already hidden.
    :raises DomainError: ``reason`` empty or too long.
    """
    _require_staff(by)
    reason = clean_text(
        reason,
        field="reason",
        max_length=rules.REASON_MAX_LENGTH,
        required=True,
        message=_("Say why the review is hidden: its author is told."),
    )
    with transaction.atomic():
        locked = _lock(review)
        if locked.is_hidden:
            raise Conflict(_("This review is already hidden."), state=_state(locked))
        now = timezone.now()
        locked.is_hidden = True
        locked.hidden_reason = reason
        locked.hidden_at = now
        locked.save(
            update_fields=["is_hidden", "hidden_reason", "hidden_at", "updated_at"]
        )
        moderation = ReviewModeration.objects.create(
            review=locked, action=ModerationAction.HIDE, reason=reason, by=by, at=now
        )
        ratings_refresh(item_id=locked.item_id, artist_id=locked.artist_id)
        notify(
            recipient=locked.buyer,
            event="review_hidden",
            context=review_email_context(review=locked, recipient=locked.buyer),
            dedupe_key=f"review-hidden:{moderation.pk}",
        )
    _sync(review, locked)
    return review


def review_unhide(*, review: Review, by, reason="") -> Review:
    """Staff show ``review`` again: logged, the averages recomputed with it.

    :raises PermissionDenied: ``by`` is not staff.
    :raises Conflict: not hidden.
    :raises DomainError: ``reason`` too long.
    """
    _require_staff(by)
    reason = clean_text(
        reason, field="reason", max_length=rules.REASON_MAX_LENGTH, required=False
    )
    with transaction.atomic():
        locked = _lock(review)
        if not locked.is_hidden:
            raise Conflict(_("This review is not hidden."), state=_state(locked))
        now = timezone.now()
        locked.is_hidden = False
        locked.hidden_reason = ""
        locked.hidden_at = None
        locked.save(
            update_fields=["is_hidden", "hidden_reason", "hidden_at", "updated_at"]
        )
        ReviewModeration.objects.create(
            review=locked,
            action=ModerationAction.UNHIDE,
            reason=reason,
            by=by,
            at=now,
        )
        ratings_refresh(item_id=locked.item_id, artist_id=locked.artist_id)
    _sync(review, locked)
    return review


def review_invitation_send(*, artist_order, event: str, **_kwargs) -> None:
    """``orders.hooks.status_changed``: once an artist order is delivered,
    ask its buyer how the pieces were (once per artist order)."""
    if event != "order_delivered":
        return
    buyer = artist_order.order.buyer
    notify(
        recipient=buyer,
        event="review_invitation",
        context=invitation_context(artist_order=artist_order, recipient=buyer),
        dedupe_key=f"review-invitation:{artist_order.pk}",
    )
