"""The reviews of the artist's shop in the dashboard: every review, newest
first (hidden ones marked), each answered once from here.

Only the logged-in artist's own reviews are looked up: another shop's is a
404. The answer calls ``reviews.services.review_answer``; a refusal becomes
a form error or a message."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import Conflict, DomainError
from marketplace.forms import refused_message
from reviews import selectors, services
from reviews.forms import AnswerForm

from ..access import artist_required

REVIEWS_PER_PAGE = 20


def _page(request, *, status=200, failed=None, failed_form=None):
    page = Paginator(
        selectors.reviews_for_artist(artist=request.artist), REVIEWS_PER_PAGE
    ).get_page(request.GET.get("page"))
    for review in page.object_list:
        review.answer_form = (
            failed_form
            if failed is not None and review.pk == failed
            else AnswerForm(prefix=f"answer-{review.pk}")
        )
    return render(
        request,
        "dashboard/review_list.html",
        {
            "artist": request.artist,
            "page": page,
            "reviews": page.object_list,
            "dash_section": "reviews",
        },
        status=status,
    )


@artist_required
def review_list(request):
    """The reviews of the shop, with their answer forms."""
    return _page(request)


@artist_required
@require_POST
def review_answer(request, pk):
    """Answer one review of the shop, once."""
    review = selectors.review_get_for_artist(artist=request.artist, pk=pk)
    form = AnswerForm(request.POST, prefix=f"answer-{review.pk}")
    back = redirect(reverse("dashboard:reviews") + f"#review-{review.pk}")
    if form.is_valid():
        try:
            services.review_answer(
                review=review, artist=request.artist, text=form.cleaned_data["text"]
            )
        except Conflict as error:
            refused_message(request, error)
            return back
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Your answer is published under the review."))
            return back
    return _page(request, status=400, failed=review.pk, failed_form=form)
