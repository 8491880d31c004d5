"""The artist's shop page, terms of sale and holiday.

Every id in a URL is looked up among the logged-in artist's own objects:
another artist's photo is a 404.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from artists import selectors, services
from artists.forms import ArtistProfileForm, ArtistTermsForm, HolidayForm, PhotoForm
from marketplace.errors import DomainError
from marketplace.forms import add_domain_error

from ..access import artist_required


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
                    services.artist_add_photo(
                        artist=artist, upload=photo_form.cleaned_data["image"]
                    )
                except DomainError as error:
                    add_domain_error(photo_form, error)
                else:
                    messages.success(
                        request, _("The photo was added to your shop page.")
                    )
                    return redirect("dashboard:shop")
        else:
            profile_form = ArtistProfileForm(request.POST, instance=artist)
            if profile_form.is_valid():
                try:
                    services.artist_update_profile(
                        artist=artist, **profile_form.cleaned_data
                    )
                except DomainError as error:
                    add_domain_error(profile_form, error)
                else:
                    messages.success(request, _("Your shop page was saved."))
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
    messages.success(request, _("The photo was removed."))
    return redirect("dashboard:shop")


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
            messages.success(
                request,
                _(
                    "Your terms of sale were saved. Orders already placed keep the terms they were bought under."
                ),
            )
            return redirect("dashboard:terms")
    return render(
        request,
        "dashboard/terms_edit.html",
        {"artist": artist, "form": form, "dash_section": "terms"},
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
            messages.success(request, _("Your holiday was cancelled."))
            return redirect("dashboard:holiday")
        if form.is_valid():
            try:
                services.artist_set_holiday(artist=artist, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Your holiday was saved."))
                return redirect("dashboard:holiday")
    return render(
        request,
        "dashboard/holiday_edit.html",
        {"artist": artist, "form": form, "dash_section": "holiday"},
    )
