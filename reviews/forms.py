"""Forms of the review pages: the buyer's review, the artist's answer.
They check the shape only; the rules come back from the services as
``DomainError``s shown on the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from marketplace.forms import DomainErrorFormMixin

from . import rules

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to five photos in one ``<input multiple>``; the service decodes and
    re-encodes each (``marketplace.images``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(attrs={"accept": PHOTO_ACCEPT, "multiple": True}),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [super(PhotosField, self).clean(file, initial) for file in files]
        return [file for file in files if file]


def star_label(value: int) -> str:
    """ "★★★☆☆ 3 stars", in the active language."""
    count = ngettext("%(count)d star", "%(count)d stars", value) % {"count": value}
    return f"{'★' * value}{'☆' * (5 - value)} {count}"


class ReviewForm(DomainErrorFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=(),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )
    text = forms.CharField(
        label=_("Your review"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=rules.TEXT_MAX_LENGTH,
        help_text=_("What you liked, or did not: others read it on the piece’s page."),
    )
    photos = PhotosField(
        label=_("Photos"),
        help_text=_(
            "Optional: up to 5 photos (JPEG, PNG or WebP, at most 10 MB each), shown with your review."
        ),
    )

    def __init__(self, *args, photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = [
            (value, star_label(value)) for value in reversed(rules.RATINGS)
        ]
        self.existing_photos = list(photos)
        if self.existing_photos:
            self.fields["remove_photos"] = forms.TypedMultipleChoiceField(
                label=_("Remove photos"),
                choices=[
                    (photo.pk, gettext("Photo %(n)s") % {"n": number})
                    for number, photo in enumerate(self.existing_photos, start=1)
                ],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )


class AnswerForm(DomainErrorFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Your public answer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=rules.ANSWER_MAX_LENGTH,
        help_text=_("Shown under the review, for everyone. You can answer once."),
    )
