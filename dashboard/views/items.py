"""The artist's items: the list, creating and editing an item, its photos,
options (variants) and stock.

Every id in a URL is looked up among the logged-in artist's own items:
another artist's item or variant is a 404.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from artists import selectors, services
from artists.forms import ItemCreateForm, ItemForm, PhotoForm, StockForm, VariantForm
from marketplace.errors import DomainError
from marketplace.forms import add_domain_error

from ..access import artist_required


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
        messages.success(request, _("“%(title)s” is on sale.") % {"title": item.title})
    else:
        messages.success(
            request, _("“%(title)s” is no longer on sale.") % {"title": item.title}
        )
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
                variants=[
                    {"name": name, "stock": data["stock"]}
                    for name in form.option_names()
                ],
                stock=data["stock"],
                category=data["category"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("The item was created. Add photos so buyers can see it.")
            )
            return redirect("dashboard:item_edit", pk=item.pk)
    return render(
        request, "dashboard/item_create.html", {"form": form, "dash_section": "items"}
    )


def _item_edit_page(request, item, **forms):
    context = {
        "item": item,
        "item_form": forms.get("item_form") or ItemForm(instance=item),
        "photo_form": forms.get("photo_form") or PhotoForm(),
        "variant_form": forms.get("variant_form")
        or VariantForm(prefix="new", initial={"stock": 0}),
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
                messages.success(request, _("The photo was added."))
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
                messages.success(request, _("The option was added."))
                return redirect("dashboard:item_edit", pk=item.pk)
        return _item_edit_page(request, item, variant_form=form)
    if action == "stock":
        form = StockForm(request.POST)
        if form.is_valid():
            variant = selectors.variant_get_for_item(
                item=item, pk=form.cleaned_data["variant"]
            )
            try:
                variant = services.variant_update(
                    variant=variant, stock=form.cleaned_data["stock"]
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
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
            messages.success(request, _("The item was saved."))
            return redirect("dashboard:item_edit", pk=item.pk)
    return _item_edit_page(request, item, item_form=form)


@require_POST
@artist_required
def item_photo_delete(request, pk, photo_pk):
    photo = selectors.item_photo_get_for_artist(
        artist=request.artist, item_pk=pk, pk=photo_pk
    )
    services.item_remove_photo(photo=photo)
    messages.success(request, _("The photo was removed."))
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
            messages.success(request, _("The option was saved."))
            return redirect("dashboard:item_edit", pk=variant.item_id)
    return render(
        request,
        "dashboard/variant_edit.html",
        {
            "variant": variant,
            "item": variant.item,
            "form": form,
            "dash_section": "items",
        },
    )
