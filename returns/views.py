"""Return pages of the buyer's account: the request form of an order line,
the list of requests and one request with its step bar, its timeline
(history and conversation together), its message form and the buttons
allowed now. Also the private photo view, and what the seller dashboard's
return pages share with these (``decorate``).

Routed in ``returns/urls.py`` (namespace ``returns``, under
``/account/returns/``). Only the logged-in buyer's own requests are looked up
(another's is a 404); each action calls one service, and a refusal becomes a
form error or a message, never a 500.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.errors import Conflict, DomainError
from marketplace.messaging import selectors as messaging_selectors
from marketplace.messaging import services as messaging_services
from marketplace.messaging.forms import MessageForm
from marketplace.messaging.ratelimit import MessageBurstExceeded, check_message_burst
from marketplace.messaging.rendering import message_text
from orders.models import OrderLine
from orders.tracking import known_carriers, tracking_url

from . import selectors, services
from .eligibility import line_eligibility
from .forms import EscalateForm, ReturnRequestForm, ShipBackForm
from .models import ReturnKind, ReturnState
from .serializers import replacement_label

BUYER_ACTIONS = frozenset({"ship_back", "withdraw", "escalate"})
ARTIST_ACTIONS = frozenset(
    {"accept", "reject", "receive", "refund", "ship_replacement", "convert_to_refund"}
)

S = ReturnState

# History rows are labelled by their transition; unknown ones by the state
# they reached.
TRANSITION_LABELS = {
    "create": gettext_lazy("Request sent"),
    "request": gettext_lazy("Request sent"),
    "accept": gettext_lazy("Accepted: return instructions given"),
    "reject": gettext_lazy("Rejected by the artist"),
    "ship_back": gettext_lazy("Sent back"),
    "receive": gettext_lazy("Received by the artist: the refund can start"),
    "refund": gettext_lazy("Refunded"),
    "refund_received": gettext_lazy("Refunded"),
    "ship_replacement": gettext_lazy("Replacement shipped"),
    "convert_to_refund": gettext_lazy("Refunded instead of replaced"),
    "escalate": gettext_lazy("Sent to the marketplace team"),
    "auto_escalate": gettext_lazy("Sent to the marketplace team: no answer in time"),
    "staff_accept": gettext_lazy("Accepted by the marketplace team"),
    "staff_refund": gettext_lazy("Refunded by decision of the marketplace team"),
    "staff_close": gettext_lazy("Closed by the marketplace team"),
    "withdraw": gettext_lazy("Withdrawn by the buyer"),
    "expire": gettext_lazy("Expired: nothing was sent back in time"),
}


# Step bar ------------------------------------------------------------------------

STEP_LABELS = {
    S.REQUESTED: gettext_lazy("Requested"),
    S.ACCEPTED: gettext_lazy("Accepted"),
    S.IN_TRANSIT: gettext_lazy("Sent back"),
    S.RECEIVED: gettext_lazy("Received"),
    S.REFUNDED: gettext_lazy("Refunded"),
    S.REPLACEMENT_SHIPPED: gettext_lazy("Replacement shipped"),
    S.REJECTED: gettext_lazy("Rejected"),
    S.ESCALATED: gettext_lazy("With the marketplace team"),
    S.WITHDRAWN: gettext_lazy("Withdrawn"),
    S.EXPIRED: gettext_lazy("Expired"),
    S.CLOSED: gettext_lazy("Closed"),
}
OFF_PATH = frozenset({S.REJECTED, S.ESCALATED, S.WITHDRAWN, S.EXPIRED, S.CLOSED})


@dataclass
class Step:
    state: str
    label: str
    status: str  # done, current, todo, stopped


def steps(return_request) -> list[Step]:
    """The step bar of ``return_request``: requested, accepted, sent back,
    received, then refunded (or replacement shipped for an exchange). A
    request that left that path (rejected, escalated, withdrawn, expired,
    closed) shows where it stopped. Reads prefetched history."""
    final = S.REFUNDED
    if return_request.kind == ReturnKind.EXCHANGE and return_request.state != S.REFUNDED:
        final = S.REPLACEMENT_SHIPPED
    path = [S.REQUESTED, S.ACCEPTED, S.IN_TRANSIT, S.RECEIVED, final]
    reached = {event.to_state for event in return_request.history.all()}
    reached.add(S.REQUESTED)
    reached.add(return_request.state)
    current = return_request.state
    furthest = max((path.index(s) for s in reached if s in path), default=0)
    if current in path:
        furthest = path.index(current)
    result = []
    for index, state in enumerate(path):
        if state == current:
            status = "current"
        elif index <= furthest:
            status = "done"
        else:
            status = "todo"
        result.append(Step(state=state, label=str(STEP_LABELS[state]), status=status))
    if current in OFF_PATH:
        result = result[: furthest + 1]
        result.append(Step(state=current, label=str(STEP_LABELS[current]), status="stopped"))
    return result


# Timeline ------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    kind: str  # "event" or "message"
    at: datetime
    who: str
    label: str = ""
    note: str = ""
    text: str = ""
    transition: str = ""
    mine: bool = False
    staff: bool = False
    photos: list = field(default_factory=list)
    pk: int | None = None


def _who(user_id, return_request, *, viewer, user=None) -> str:
    if user_id is None:
        return _("automatically")
    if user_id == viewer.pk:
        return _("you")
    if user_id == return_request.artist.user_id:
        return return_request.artist.name
    if user_id == return_request.buyer_id:
        return return_request.artist_order.order.shipping_name or _("the buyer")
    return _("the marketplace team")


def timeline(return_request, *, viewer, thread_messages=()) -> list[TimelineEntry]:
    """The history rows of ``return_request`` and the messages of its thread
    as one list, oldest first. System messages are left out: each says what
    its history row says."""
    entries = []
    for event in return_request.history.all():
        label = TRANSITION_LABELS.get(event.transition) or event.get_to_state_display()
        entries.append(
            TimelineEntry(
                kind="event",
                at=event.at,
                who=_who(event.by_id, return_request, viewer=viewer),
                label=str(label),
                note=event.note,
                transition=event.transition,
            )
        )
    for message in thread_messages:
        if message.system:
            continue
        staff_post = message.is_staff_post
        text = message_text(message, viewer=viewer)
        entries.append(
            TimelineEntry(
                kind="message",
                at=message.created_at,
                who=(
                    _("Atelier team") if staff_post
                    else _who(message.author_id, return_request, viewer=viewer)
                ),
                text=text,
                mine=message.author_id == viewer.pk and not staff_post,
                staff=staff_post,
                photos=[] if message.hidden_at and not viewer.is_staff else list(message.photos.all()),
                pk=message.pk,
            )
        )
    entries.sort(key=lambda entry: (entry.at, 0 if entry.kind == "event" else 1))
    return entries


def thread_messages_of(return_request) -> list:
    if not return_request.thread_id:
        return []
    return list(messaging_selectors.thread_messages(thread=return_request.thread))


def decorate(return_request, *, user, side: str):
    """Attach what a page shows of ``return_request`` to it: ``actions``
    (what ``user`` may do now on that ``side``, "buyer" or "artist"),
    ``steps``, ``timeline``, ``replacement`` and the tracking links."""
    allowed = services.allowed_return_actions(return_request=return_request, user=user)
    return_request.actions = allowed & (BUYER_ACTIONS if side == "buyer" else ARTIST_ACTIONS)
    return_request.steps = steps(return_request)
    return_request.timeline = timeline(
        return_request, viewer=user, thread_messages=thread_messages_of(return_request)
    )
    return_request.replacement = replacement_label(return_request)
    return_request.answer_due = (
        services.answer_due_at(return_request) if return_request.state == S.REQUESTED else None
    )
    return_request.ship_back_due = services.ship_back_due_at(return_request)
    return_request.postage_by_artist = services.postage_paid_by_artist(return_request)
    return_request.return_tracking_link = (
        tracking_url(return_request.return_carrier, return_request.return_tracking_number)
        if return_request.return_tracking_number
        else None
    )
    return_request.replacement_tracking_link = (
        tracking_url(return_request.replacement_carrier, return_request.replacement_tracking_number)
        if return_request.replacement_tracking_number
        else None
    )
    return return_request


def put_on_form(form, error: DomainError) -> None:
    """A service's refusal as errors of ``form``'s fields (or the whole form)."""
    for name, errors in error.as_field_errors().items():
        for message in errors:
            form.add_error(name if name in form.fields else None, message)


def refused_message(request, error) -> None:
    if isinstance(error, DomainError):
        text = " ".join(m for errors in error.as_field_errors().values() for m in errors)
    else:
        text = str(error)
    messages.error(request, text)


def post_message(request, return_request, form) -> bool:
    """Post the message of ``form`` in the request's thread (created if
    needed); a refusal becomes an error of ``form``."""
    if not form.is_valid():
        return False
    try:
        check_message_burst(request)
        messaging_services.return_request_message_post(
            return_request=return_request,
            author=request.user,
            body=form.cleaned_data["body"],
            photos=form.cleaned_data["photos"],
        )
    except MessageBurstExceeded as error:
        form.add_error(None, error.message)
        return False
    except DomainError as error:
        put_on_form(form, error)
        return False
    return True


def mark_read(return_request, user) -> None:
    if return_request.thread_id:
        messaging_services.thread_mark_read(thread=return_request.thread, user=user)


# Buyer pages ---------------------------------------------------------------------

REQUESTS_PER_PAGE = 20


def _line_of_buyer(request, line_pk) -> OrderLine:
    try:
        return OrderLine.objects.select_related(
            "artist_order__order", "artist_order__artist"
        ).get(pk=int(line_pk), artist_order__order__buyer=request.user)
    except (OrderLine.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _order_page(line) -> str:
    return reverse("account:order", kwargs={"number": line.artist_order.order.number}) + (
        f"#ao-{line.artist_order_id}"
    )


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
        request, "returns/return_request_list.html", {"page": page, "return_requests": page.object_list}
    )


@login_required
@require_http_methods(["GET", "POST"])
def return_create(request, line_pk):
    """The request form of one line of the buyer's orders: reason, quantity,
    return or exchange, comment, wanted replacement and photos."""
    line = _line_of_buyer(request, line_pk)
    eligibility = line_eligibility(line=line)
    if not eligibility.can_return:
        messages.error(request, eligibility.why_not)
        return redirect(_order_page(line))
    if request.method == "POST":
        form = ReturnRequestForm(request.POST, request.FILES, line=line, eligibility=eligibility)
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
                    _("Your request was sent to %(artist)s. You will receive their answer by email.")
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


def _detail_page(request, return_request, *, message_form=None, ship_back_form=None, escalate_form=None, status=200):
    decorate(return_request, user=request.user, side="buyer")
    mark_read(return_request, request.user)
    return render(
        request,
        "returns/return_request_detail.html",
        {
            "rr": return_request,
            "order_url": reverse(
                "account:order", kwargs={"number": return_request.artist_order.order.number}
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
    if post_message(request, return_request, form):
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
        put_on_form(form, error)
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
            return_request=return_request, by=request.user, message=form.cleaned_data["message"]
        )
    except DomainError as error:
        put_on_form(form, error)
        return _detail_page(request, return_request, escalate_form=form, status=400)
    except Conflict as error:
        refused_message(request, error)
    else:
        messages.success(
            request, _("The marketplace team will look at your request and answer you by email.")
        )
    return _back(return_request)


@login_required
def return_photo(request, pk):
    """A photo of a return request: its buyer, its artist and staff only."""
    photo = selectors.return_photo_get_for_user(user=request.user, pk=pk)
    content_type = mimetypes.guess_type(photo.image.name)[0] or "application/octet-stream"
    response = FileResponse(photo.image.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
