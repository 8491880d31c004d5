from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError
from marketplace.forms import DomainErrorFormMixin

from .models import MAX_PHOTOS_PER_MESSAGE, ReportReason
from .ratelimit import MessageBurstExceeded, check_message_burst
from .services import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to three photos in one input; each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(attrs={"accept": PHOTO_ACCEPT, "multiple": True}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [super(MultiplePhotoField, self).clean(file, initial) for file in files]
        files = [file for file in files if file]
        if len(files) > MAX_PHOTOS_PER_MESSAGE:
            raise forms.ValidationError(
                _("Attach at most %(max)s photos to a message."),
                params={"max": MAX_PHOTOS_PER_MESSAGE},
                code="too_many",
            )
        return files


class MessageForm(DomainErrorFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a message.")},
    )
    photos = MultiplePhotoField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to 3 photos: JPEG, PNG or WebP, at most 10 MB each."),
    )


class ContactForm(MessageForm):
    field_order = ["subject", "body", "photos"]

    subject = forms.CharField(
        label=_("Subject"), max_length=SUBJECT_MAX_LENGTH, required=False
    )

    def __init__(self, *args, continuing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if continuing:  # the conversation keeps its subject
            del self.fields["subject"]


class ModerationForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ReportForm(forms.Form):
    """A participant reports a message: why (required) and what to add."""

    category = forms.ChoiceField(
        label=_("Why do you report this message?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you report this message.")},
    )
    details = forms.CharField(
        label=_("Anything the team should know"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def post_from_form(request, form, post):
    """Run ``post`` (a service writing the message of the valid ``form``)
    once the user's burst limit allows it; a refusal becomes an error of
    ``form``. Returns what ``post`` returned, or None when refused."""
    try:
        check_message_burst(request)
        return post()
    except MessageBurstExceeded as error:
        form.add_error(None, error.message)
    except DomainError as error:
        form.add_domain_error(error)
    return None


class SupportForm(MessageForm):
    """A question to the marketplace team: what it is about, and the
    message."""

    field_order = ["subject", "body", "photos"]

    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX_LENGTH,
        error_messages={"required": _("Say in a few words what it is about.")},
    )
