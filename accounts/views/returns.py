"""The buyer's return and exchange requests in its account, under
``/account/returns/`` (namespace ``returns``): the request form of an order
line, the list of requests, and one request with its step bar, its timeline
(history and conversation together), its message form and the buttons
allowed now.

Only the logged-in buyer's own requests are looked up (another's is a 404;
its artist is sent to the dashboard's page). Each action calls one service;
a refusal becomes a form error or a message, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.errors import Conflict, DomainError
from marketplace.forms import add_domain_error, refused_message
from messaging.forms import MessageForm, post_from_form
from messaging.presenters import return_request_messages
from messaging.services import return_request_message_post, thread_mark_read
from orders.selectors import order_line_get_for_buyer
from orders.tracking import known_carriers
from returns import selectors, services
from returns.eligibility import line_eligibility
from returns.forms import EscalateForm, ReturnRequestForm, ShipBackForm
from returns.presenters import decorate

REQUESTS_PER_PAGE = 20


def _order_page(line) -> str:
    return reverse(
        "account:order", kwargs={"number": line.artist_order.order.number}
    ) + (f"#ao-{line.artist_order_id}")


def _request_of_buyer(request, pk):
    """One of the buyer's requests (404 for others'; its artist is sent to
    the dashboard page)."""
    return_request = selectors.return_request_get_for_user(user=request.user, pk=pk)
    if return_request.buyer_id != request.user.pk:
        if return_request.artist.user_id == request.user.pk:
            return None
        raise Http404
    return return_request


@login_required
def return_list(request):
    """The buyer's return and exchange requests, newest first."""
    page = Paginator(
        selectors.return_requests_for_buyer(buyer=request.user), REQUESTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "returns/return_request_list.html",
        {"page": page, "return_requests": page.object_list},
    )


@login_required
@require_http_methods(["GET", "POST"])
def return_create(request, line_pk):
    """The request form of one line of the buyer's orders: reason, quantity,
    return or exchange, comment, wanted replacement and photos."""
    line = order_line_get_for_buyer(buyer=request.user, pk=line_pk)
    eligibility = line_eligibility(line=line)
    if not eligibility.can_return:
        messages.error(request, eligibility.why_not)
        return redirect(_order_page(line))
    if request.method == "POST":
        form = ReturnRequestForm(
            request.POST, request.FILES, line=line, eligibility=eligibility
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                return_request = services.return_request_create(
                    buyer=request.user,
                    line=line,
                    quantity=data["quantity"],
                    kind=data["kind"],
                    reason=data["reason"],
                    comment=data["comment"],
                    desired_variant=data.get("desired_variant"),
                    desired_item=data.get("desired_item"),
                    desired_text=data.get("desired_text") or "",
                    photos=data["photos"],
                )
            except DomainError as error:
                form.add_domain_error(error)
            except Conflict as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Your request was sent to %(artist)s. You will receive their answer by email."
                    )
                    % {"artist": line.artist_order.artist.name},
                )
                return redirect("returns:detail", pk=return_request.pk)
    else:
        form = ReturnRequestForm(line=line, eligibility=eligibility)
    return render(
        request,
        "returns/return_request_form.html",
        {
            "line": line,
            "artist_order": line.artist_order,
            "eligibility": eligibility,
            "form": form,
            "terms": line.artist_order.terms or {},
        },
        status=400 if request.method == "POST" else 200,
    )


def _detail_page(
    request,
    return_request,
    *,
    message_form=None,
    ship_back_form=None,
    escalate_form=None,
    status=200,
):
    decorate(
        return_request,
        user=request.user,
        side="buyer",
        messages=return_request_messages(return_request, viewer=request.user),
    )
    if return_request.thread_id:
        thread_mark_read(thread=return_request.thread, user=request.user)
    return render(
        request,
        "returns/return_request_detail.html",
        {
            "rr": return_request,
            "order_url": reverse(
                "account:order",
                kwargs={"number": return_request.artist_order.order.number},
            ),
            "message_form": message_form or MessageForm(),
            "ship_back_form": ship_back_form or ShipBackForm(prefix="ship_back"),
            "escalate_form": escalate_form or EscalateForm(),
            "carriers": known_carriers(),
        },
        status=status,
    )


@login_required
def return_detail(request, pk):
    """One of the buyer's requests: step bar, instructions, timeline,
    message form and the buttons allowed now."""
    return_request = _request_of_buyer(request, pk)
    if return_request is None:
        return redirect("dashboard:return", pk=pk)
    return _detail_page(request, return_request)


def _back(return_request):
    return redirect("returns:detail", pk=return_request.pk)


def _buyer_request_or_404(request, pk):
    return_request = _request_of_buyer(request, pk)
    if return_request is None:
        raise Http404
    return return_request


@login_required
@require_POST
def return_message(request, pk):
    return_request = _buyer_request_or_404(request, pk)
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
    return _detail_page(request, return_request, message_form=form, status=400)


@login_required
@require_POST
def return_ship_back(request, pk):
    return_request = _buyer_request_or_404(request, pk)
    form = ShipBackForm(request.POST, prefix="ship_back")
    if not form.is_valid():
        return _detail_page(request, return_request, ship_back_form=form, status=400)
    try:
        services.return_request_ship_back(
            return_request=return_request,
            by=request.user,
            carrier=form.cleaned_data["carrier"],
            tracking_number=form.cleaned_data["tracking_number"],
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _detail_page(request, return_request, ship_back_form=form, status=400)
    except Conflict as error:
        refused_message(request, error)
    else:
        messages.success(
            request,
            _("Thank you! %(artist)s was told that the parcel is on its way.")
            % {"artist": return_request.artist.name},
        )
    return _back(return_request)


@login_required
@require_POST
def return_withdraw(request, pk):
    return_request = _buyer_request_or_404(request, pk)
    try:
        services.return_request_withdraw(return_request=return_request, by=request.user)
    except (Conflict, DomainError) as error:
        refused_message(request, error)
    else:
        messages.success(request, _("Your request is withdrawn."))
    return _back(return_request)


@login_required
@require_POST
def return_escalate(request, pk):
    return_request = _buyer_request_or_404(request, pk)
    form = EscalateForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, return_request, escalate_form=form, status=400)
    try:
        services.return_request_escalate(
            return_request=return_request,
            by=request.user,
            message=form.cleaned_data["message"],
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _detail_page(request, return_request, escalate_form=form, status=400)
    except Conflict as error:
        refused_message(request, error)
    else:
        messages.success(
            request,
            _(
                "The marketplace team will look at your request and answer you by email."
            ),
        )
    return _back(return_request)
