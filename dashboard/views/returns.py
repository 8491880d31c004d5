"""The return pages of the seller dashboard: the queues (new, awaiting
receipt, to refund), the list of every request, and one request with its
actions (accept with instructions, reject with a reason, receive, refund,
ship a replacement, convert to a refund) and its conversation.

Only the logged-in artist's own requests are ever looked up: another
shop's is a 404. Each action calls one service; a refusal becomes a form
error or a message.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from marketplace.errors import Conflict, DomainError
from marketplace.forms import add_domain_error, refused_message
from messaging.forms import MessageForm, post_from_form
from messaging.presenters import return_request_messages
from messaging.services import return_request_message_post, thread_mark_read
from orders.tracking import known_carriers
from returns import rules, selectors, services
from returns.forms import (
    AcceptForm,
    ReceiveForm,
    RefundForm,
    RejectForm,
    ShipReplacementForm,
)
from returns.models import ReturnState
from returns.presenters import decorate
from returns.selectors import artist_return_queues
from returns.services.stock import (
    OutOfStock,
    replacement_options,
    replacement_variant,
)

from ..access import artist_required

S = ReturnState
REQUESTS_PER_PAGE = 25


class ReturnFilterForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", gettext_lazy("All states")), *S.choices]


@artist_required
def return_list(request):
    """The artist's queues of returns, then every request (filtered by state)."""
    form = ReturnFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    queryset = selectors.return_requests_for_artist(
        artist=request.artist, state=state or None
    ).prefetch_related(None)
    page = Paginator(queryset, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboard/return_list.html",
        {
            "artist": request.artist,
            "queues": artist_return_queues(artist=request.artist),
            "form": form,
            "page": page,
            "return_requests": page.object_list,
            "filtered": bool(state),
            "query": query.urlencode(),
            "now": timezone.now(),
            "dash_section": "returns",
        },
    )


def _request(request, pk):
    return selectors.return_request_get_for_artist(artist=request.artist, pk=pk)


def _detail_page(request, return_request, *, status=200, **forms_):
    decorate(
        return_request,
        user=request.user,
        side="artist",
        messages=return_request_messages(return_request, viewer=request.user),
    )
    if return_request.thread_id:
        thread_mark_read(thread=return_request.thread, user=request.user)
    computed = None
    if (
        "refund" in return_request.actions
        or "convert_to_refund" in return_request.actions
    ):
        computed = rules.return_refund_amount(return_request)
    variant, options = None, []
    if "ship_replacement" in return_request.actions:
        variant = replacement_variant(return_request)
        options = replacement_options(return_request)
    context = {
        "artist": request.artist,
        "rr": return_request,
        "order": return_request.artist_order.order,
        "order_url": reverse(
            "dashboard:order", kwargs={"pk": return_request.artist_order_id}
        ),
        "computed_refund": computed,
        "accept_form": AcceptForm(),
        "reject_form": RejectForm(),
        "refund_form": RefundForm(computed=computed, prefix="refund"),
        "convert_form": RefundForm(computed=computed, prefix="convert"),
        "replacement_form": ShipReplacementForm(
            prefix="replacement", variants=options, initial_variant=variant
        ),
        "receive_form": ReceiveForm(),
        # The variant a replacement is taken from, and whether it is short.
        "replacement_variant": variant,
        "out_of_stock": "ship_replacement" in return_request.actions
        and (variant is None or variant.stock < return_request.quantity),
        "message_form": MessageForm(),
        "carriers": known_carriers(),
        "now": timezone.now(),
        "dash_section": "returns",
    }
    context.update(forms_)
    return render(request, "dashboard/return_detail.html", context, status=status)


@artist_required
def return_detail(request, pk):
    """One request about the artist's orders: what the buyer asks, the
    photos, the timeline and the actions allowed now."""
    return _detail_page(request, _request(request, pk))


def _back(return_request):
    return redirect("dashboard:return", pk=return_request.pk)


def _run(request, return_request, *, form, form_name, call, success):
    """Validate ``form``, run ``call(data)``; a domain error goes back on the
    form (400), and so does a replacement out of stock (409, with the refund
    offered instead); a state that no longer allows it becomes a message."""
    if not form.is_valid():
        return _detail_page(request, return_request, status=400, **{form_name: form})
    try:
        call(form.cleaned_data)
    except DomainError as error:
        add_domain_error(form, error)
        return _detail_page(request, return_request, status=400, **{form_name: form})
    except OutOfStock as error:
        form.add_error(None, str(error))
        return _detail_page(request, return_request, status=409, **{form_name: form})
    except Conflict as error:
        refused_message(request, error)
    else:
        messages.success(request, success)
    return _back(return_request)


@require_POST
@artist_required
def return_accept(request, pk):
    return_request = _request(request, pk)
    return _run(
        request,
        return_request,
        form=AcceptForm(request.POST),
        form_name="accept_form",
        call=lambda data: services.return_request_accept(
            return_request=return_request,
            by=request.user,
            instructions=data["instructions"],
            ship_back_deadline=data["ship_back_deadline"],
        ),
        success=_("Request accepted: the buyer received your instructions by email."),
    )


@require_POST
@artist_required
def return_reject(request, pk):
    return_request = _request(request, pk)
    return _run(
        request,
        return_request,
        form=RejectForm(request.POST),
        form_name="reject_form",
        call=lambda data: services.return_request_reject(
            return_request=return_request, by=request.user, reason=data["reason"]
        ),
        success=_("Request rejected. The buyer was told why."),
    )


@require_POST
@artist_required
def return_receive(request, pk):
    return_request = _request(request, pk)
    return _run(
        request,
        return_request,
        form=ReceiveForm(request.POST),
        form_name="receive_form",
        call=lambda data: services.return_request_receive(
            return_request=return_request, by=request.user, restock=data["restock"]
        ),
        success=(
            _(
                "Marked as received and put back in stock. The buyer was told that "
                "the refund can start."
            )
            if request.POST.get("restock")
            else _("Marked as received. The buyer was told that the refund can start.")
        ),
    )


def _refund(request, pk, *, prefix, service, success):
    return_request = _request(request, pk)
    computed = rules.return_refund_amount(return_request)
    form = RefundForm(request.POST, computed=computed, prefix=prefix)
    form_name = "refund_form" if prefix == "refund" else "convert_form"
    return _run(
        request,
        return_request,
        form=form,
        form_name=form_name,
        call=lambda data: service(
            return_request=return_request,
            by=request.user,
            amount=data["amount"],
            note=data["note"],
        ),
        success=success,
    )


@require_POST
@artist_required
def return_refund(request, pk):
    return _refund(
        request,
        pk,
        prefix="refund",
        service=services.return_request_refund,
        success=_("Refund started. The buyer will be emailed when it is confirmed."),
    )


@require_POST
@artist_required
def return_convert_to_refund(request, pk):
    return _refund(
        request,
        pk,
        prefix="convert",
        service=services.return_request_convert_to_refund,
        success=_(
            "The exchange is refunded instead. The buyer will be emailed when the refund is confirmed."
        ),
    )


@require_POST
@artist_required
def return_ship_replacement(request, pk):
    return_request = _request(request, pk)
    return _run(
        request,
        return_request,
        form=ShipReplacementForm(
            request.POST,
            prefix="replacement",
            variants=replacement_options(return_request),
        ),
        form_name="replacement_form",
        call=lambda data: services.return_request_ship_replacement(
            return_request=return_request,
            by=request.user,
            carrier=data["carrier"],
            tracking_number=data["tracking_number"],
            variant=data.get("variant"),
        ),
        success=_("Replacement shipped. The buyer received the tracking number."),
    )


@require_POST
@artist_required
def return_message(request, pk):
    return_request = _request(request, pk)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid() and post_from_form(
        request,
        form,
        lambda: return_request_message_post(
            return_request=return_request,
            author=request.user,
            body=form.cleaned_data["body"],
            photos=form.cleaned_data["photos"],
        ),
    ):
        messages.success(request, _("Your message has been sent."))
        return _back(return_request)
    return _detail_page(request, return_request, status=400, message_form=form)
