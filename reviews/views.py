"""The review pages: every visible review of an item or a shop (paged), the
buyer writing and editing their review of a delivered piece, and the
review photos (public while the review is visible). The artist's page is
in ``dashboard.views.reviews``, the block on item and shop pages in
``reviews.presenters``.

Only the logged-in buyer's own lines and reviews are looked up: another's
is a 404. Each action calls one service; a refusal becomes a form error or
a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.errors import Conflict, DomainError
from marketplace.forms import refused_message
from marketplace.storage import private_file_response

from . import rules, selectors, services
from .forms import ReviewForm

PER_PAGE = 20


def _paged(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def item_reviews(request, pk):
    """Every visible review of an item, newest first."""
    item = selectors.item_get_public(pk=pk)
    page = _paged(request, selectors.reviews_visible(item=item))
    return render(
        request,
        "reviews/review_list.html",
        {
            "page": page,
            "reviews": page.object_list,
            "subject_name": item.title,
            "subject_url": item.get_absolute_url(),
            "count": item.rating_count,
            "average": item.rating_average,
            "of_shop": False,
        },
    )


def artist_reviews(request, slug):
    """Every visible review of a shop's pieces, newest first."""
    artist = selectors.artist_get_public(slug=slug)
    page = _paged(request, selectors.reviews_visible(artist=artist))
    return render(
        request,
        "reviews/review_list.html",
        {
            "page": page,
            "reviews": page.object_list,
            "subject_name": artist.name,
            "subject_url": artist.get_absolute_url(),
            "count": artist.rating_count,
            "average": artist.rating_average,
            "of_shop": True,
        },
    )


def _order_url(line) -> str:
    number = line.artist_order.order.number
    return (
        reverse("account:order", kwargs={"number": number})
        + f"#ao-{line.artist_order_id}"
    )


@login_required
def review_create(request, line_pk):
    """The buyer reviews a delivered piece of one of their orders."""
    line = selectors.line_get_for_buyer(buyer=request.user, pk=line_pk)
    existing = selectors.reviews_by_line(lines=[line]).get(line.pk)
    if existing is not None:
        return redirect("reviews:edit", pk=existing.pk)
    reviewable = rules.line_reviewable(line.artist_order)
    form = ReviewForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_create(
                buyer=request.user,
                line=line,
                rating=form.cleaned_data["rating"],
                text=form.cleaned_data["text"],
                photos=form.cleaned_data["photos"],
            )
        except Conflict as error:
            refused_message(request, error)
            return redirect(_order_url(line))
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, _("Thank you: your review is published on the piece’s page.")
            )
            return redirect(_order_url(line))
    return render(
        request,
        "reviews/review_form.html",
        {
            "form": form,
            "line": line,
            "artist": line.artist_order.artist,
            "reviewable": reviewable,
            "order_url": _order_url(line),
            "edit_days": rules.EDIT_DAYS,
        },
    )


@login_required
def review_edit(request, pk):
    """The buyer's own review: edited within ``EDIT_DAYS`` days; read only
    after that, or once staff hid it (with their reason)."""
    review = selectors.review_get_for_buyer(buyer=request.user, pk=pk)
    photos = list(review.photos.all())
    editable = rules.can_edit(review)
    initial = {"rating": review.rating, "text": review.text}
    form = ReviewForm(
        request.POST or None, request.FILES or None, initial=initial, photos=photos
    )
    if request.method == "POST":
        if not editable:
            messages.error(
                request,
                _("A review can be edited for %(days)s days after writing it.")
                % {"days": rules.EDIT_DAYS},
            )
            return redirect("reviews:edit", pk=review.pk)
        if form.is_valid():
            try:
                services.review_edit(
                    review=review,
                    by=request.user,
                    rating=form.cleaned_data["rating"],
                    text=form.cleaned_data["text"],
                    photos=form.cleaned_data["photos"],
                    remove_photos=form.cleaned_data.get("remove_photos") or (),
                )
            except Conflict as error:
                refused_message(request, error)
                return redirect("reviews:edit", pk=review.pk)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _("Your review is updated."))
                return redirect(_order_url(review.line))
    return render(
        request,
        "reviews/review_form.html",
        {
            "form": form if editable else None,
            "review": review,
            "photos": photos,
            "line": review.line,
            "artist": review.artist,
            "reviewable": rules.Reviewable("ok"),
            "order_url": _order_url(review.line),
            "edit_until": rules.edit_until(review),
            "edit_days": rules.EDIT_DAYS,
        },
    )


def review_photo(request, pk):
    """A review photo: anyone while its review is visible; its author and
    staff while it is hidden."""
    photo = selectors.review_photo_get_for_user(user=request.user, pk=pk)
    # Not cached by shared caches: hiding the review must stop serving it.
    return private_file_response(photo.image, cache_control="private, max-age=300")
