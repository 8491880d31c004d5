"""The seller dashboard: shop page, terms of sale, holiday, items and stock.

Only users with a shop get in (anonymous users are sent to the login page,
other users get a 404); every id in a URL is looked up among the logged-in
artist's own objects, so another artist's item or variant is a 404.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError
from orders.selectors import artist_dashboard_queues

from . import selectors, services
from .forms import (
    ArtistProfileForm,
    ArtistTermsForm,
    HolidayForm,
    ItemCreateForm,
    ItemForm,
    PhotoForm,
    StockForm,
    VariantForm,
    add_domain_error,
)


def artist_required(view):
    """Let in users with a shop, as ``request.artist``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        artist = selectors.artist_for_user(request.user)
        if artist is None:
            raise Http404
        request.artist = artist
        return view(request, *args, **kwargs)

    return wrapper


def _saved(request, message):
    messages.success(request, message)


# --- overview ----------------------------------------------------------------


@artist_required
def home(request):
    """What needs the artist now: orders to answer, to ship, returns and
    messages waiting, stock running low."""
    artist = request.artist
    return render(
        request,
        "dashboard/home.html",
        {
            "artist": artist,
            "counts": selectors.artist_dashboard_counts(artist=artist),
            "order_queues": artist_dashboard_queues(artist=artist),
            "now": timezone.now(),
            "dash_section": "home",
        },
    )


# --- shop page -----------------------------------------------------------------


@artist_required
def shop(request):
    artist = request.artist
    profile_form = ArtistProfileForm(instance=artist)
    photo_form = PhotoForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "photo_add":
            photo_form = PhotoForm(request.POST, request.FILES)
            if photo_form.is_valid():
                try:
                    services.artist_add_photo(artist=artist, upload=photo_form.cleaned_data["image"])
                except DomainError as error:
                    add_domain_error(photo_form, error)
                else:
                    _saved(request, _("The photo was added to your shop page."))
                    return redirect("dashboard:shop")
        else:
            profile_form = ArtistProfileForm(request.POST, instance=artist)
            if profile_form.is_valid():
                try:
                    services.artist_update_profile(artist=artist, **profile_form.cleaned_data)
                except DomainError as error:
                    add_domain_error(profile_form, error)
                else:
                    _saved(request, _("Your shop page was saved."))
                    return redirect("dashboard:shop")
    return render(
        request,
        "dashboard/shop_edit.html",
        {
            "artist": artist,
            "profile_form": profile_form,
            "photo_form": photo_form,
            "photos": artist.photos.all(),
            "max_photos": services.MAX_PHOTOS,
            "dash_section": "shop",
        },
    )


@require_POST
@artist_required
def shop_photo_delete(request, pk):
    photo = selectors.artist_photo_get_for_artist(artist=request.artist, pk=pk)
    services.artist_remove_photo(photo=photo)
    _saved(request, _("The photo was removed."))
    return redirect("dashboard:shop")


# --- terms and holiday -----------------------------------------------------------


@artist_required
def terms(request):
    artist = request.artist
    form = ArtistTermsForm(request.POST or None, instance=artist)
    if request.method == "POST" and form.is_valid():
        try:
            services.artist_update_terms(artist=artist, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            _saved(request, _("Your terms of sale were saved. Orders already placed keep the terms they were bought under."))
            return redirect("dashboard:terms")
    return render(
        request, "dashboard/terms_edit.html", {"artist": artist, "form": form, "dash_section": "terms"}
    )


@artist_required
def holiday(request):
    artist = request.artist
    initial = {
        "start_date": artist.holiday_start_date,
        "end_date": artist.holiday_end_date,
        "message": artist.holiday_message,
    }
    form = HolidayForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("action") == "clear":
            services.artist_set_holiday(artist=artist, start_date=None, end_date=None)
            _saved(request, _("Your holiday was cancelled."))
            return redirect("dashboard:holiday")
        if form.is_valid():
            try:
                services.artist_set_holiday(artist=artist, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                _saved(request, _("Your holiday was saved."))
                return redirect("dashboard:holiday")
    return render(
        request,
        "dashboard/holiday_edit.html",
        {"artist": artist, "form": form, "dash_section": "holiday"},
    )


# --- items ---------------------------------------------------------------------


@artist_required
def items(request):
    return render(
        request,
        "dashboard/item_list.html",
        {
            "artist": request.artist,
            "items": selectors.item_list_for_artist(artist=request.artist),
            "dash_section": "items",
        },
    )


@require_POST
@artist_required
def item_toggle(request, pk):
    item = selectors.item_get_for_artist(artist=request.artist, pk=pk)
    item = services.item_update(item=item, is_active=not item.is_active)
    if item.is_active:
        _saved(request, _("“%(title)s” is on sale.") % {"title": item.title})
    else:
        _saved(request, _("“%(title)s” is no longer on sale.") % {"title": item.title})
    if request.POST.get("next") == "edit":
        return redirect("dashboard:item_edit", pk=item.pk)
    return redirect("dashboard:items")


@artist_required
def item_create(request):
    form = ItemCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_create(
                artist=request.artist,
                title=data["title"],
                description=data["description"],
                price=data["price"],
                size_guide=data["size_guide"],
                personalisable=data["personalisable"],
                is_active=data["is_active"],
                variants=[{"name": name, "stock": data["stock"]} for name in form.option_names()],
                stock=data["stock"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            _saved(request, _("The item was created. Add photos so buyers can see it."))
            return redirect("dashboard:item_edit", pk=item.pk)
    return render(
        request, "dashboard/item_create.html", {"form": form, "dash_section": "items"}
    )


def _item_edit_page(request, item, **forms):
    context = {
        "item": item,
        "item_form": forms.get("item_form") or ItemForm(instance=item),
        "photo_form": forms.get("photo_form") or PhotoForm(),
        "variant_form": forms.get("variant_form") or VariantForm(prefix="new", initial={"stock": 0}),
        "stock_form": forms.get("stock_form"),
        "photos": item.photos.all(),
        "variants": item.variants.all(),
        "max_photos": services.MAX_PHOTOS,
        "dash_section": "items",
    }
    return render(request, "dashboard/item_edit.html", context)


@artist_required
def item_edit(request, pk):
    item = selectors.item_get_for_artist(artist=request.artist, pk=pk)
    if request.method != "POST":
        return _item_edit_page(request, item)
    action = request.POST.get("action")
    if action == "photo_add":
        form = PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.item_add_photo(item=item, upload=form.cleaned_data["image"])
            except DomainError as error:
                add_domain_error(form, error)
            else:
                _saved(request, _("The photo was added."))
                return redirect("dashboard:item_edit", pk=item.pk)
        return _item_edit_page(request, item, photo_form=form)
    if action == "variant_add":
        form = VariantForm(request.POST, prefix="new")
        if form.is_valid():
            try:
                services.variant_create(item=item, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                _saved(request, _("The option was added."))
                return redirect("dashboard:item_edit", pk=item.pk)
        return _item_edit_page(request, item, variant_form=form)
    if action == "stock":
        form = StockForm(request.POST)
        if form.is_valid():
            variant = selectors.variant_get_for_item(item=item, pk=form.cleaned_data["variant"])
            try:
                variant = services.variant_update(variant=variant, stock=form.cleaned_data["stock"])
            except DomainError as error:
                add_domain_error(form, error)
            else:
                _saved(
                    request,
                    _("Stock of “%(name)s” set to %(stock)s.")
                    % {"name": variant.name, "stock": variant.stock},
                )
                return redirect("dashboard:item_edit", pk=item.pk)
        return _item_edit_page(request, item, stock_form=form)
    form = ItemForm(request.POST, instance=item)
    if form.is_valid():
        try:
            services.item_update(item=item, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            _saved(request, _("The item was saved."))
            return redirect("dashboard:item_edit", pk=item.pk)
    return _item_edit_page(request, item, item_form=form)


@require_POST
@artist_required
def item_photo_delete(request, pk, photo_pk):
    photo = selectors.item_photo_get_for_artist(artist=request.artist, item_pk=pk, pk=photo_pk)
    services.item_remove_photo(photo=photo)
    _saved(request, _("The photo was removed."))
    return redirect("dashboard:item_edit", pk=pk)


@artist_required
def variant_edit(request, pk):
    variant = selectors.variant_get_for_artist(artist=request.artist, pk=pk)
    form = VariantForm(request.POST or None, instance=variant)
    if request.method == "POST" and form.is_valid():
        try:
            services.variant_update(variant=variant, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            _saved(request, _("The option was saved."))
            return redirect("dashboard:item_edit", pk=variant.item_id)
    return render(
        request,
        "dashboard/variant_edit.html",
        {"variant": variant, "item": variant.item, "form": form, "dash_section": "items"},
    )
