"""Staff's pages of reviews: read them, hide one with a reason (logged, its
author emailed) or show it again, through the same services as the API."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.admin import (
    ReadOnlyInline,
    ReasonForm,
    StaffTransition,
    TransitionAdminMixin,
    admin_link,
)

from . import services
from .models import Review, ReviewModeration, ReviewPhoto


class ShowAgainForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Note for the log (optional)"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=500,
        required=False,
    )


def _hide(*, request, obj, data) -> str:
    services.review_hide(review=obj, by=request.user, reason=data["reason"])
    return _("The review is hidden and its author was told why.")


def _unhide(*, request, obj, data) -> str:
    services.review_unhide(review=obj, by=request.user, reason=data["reason"])
    return _("The review is shown again.")


HIDE = StaffTransition(
    name="hide",
    label=gettext_lazy("Hide this review"),
    run=_hide,
    form_class=ReasonForm,
    help_text=gettext_lazy(
        "Only its author will still see it, with your reason; they are emailed."
    ),
    danger=True,
    field_labels={"reason": gettext_lazy("Why hide it (the author reads this)")},
)
UNHIDE = StaffTransition(
    name="unhide",
    label=gettext_lazy("Show this review again"),
    run=_unhide,
    form_class=ShowAgainForm,
)


class ReviewPhotoInline(ReadOnlyInline):
    model = ReviewPhoto
    fields = ["photo", "created_at"]
    readonly_fields = ["photo", "created_at"]
    show_change_link = False

    @admin.display(description=gettext_lazy("photo"))
    def photo(self, obj):
        return admin_link_to_photo(obj)


def admin_link_to_photo(photo):
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">{}</a>',
        photo.get_absolute_url(),
        _("Open the photo"),
    )


class ReviewModerationInline(ReadOnlyInline):
    model = ReviewModeration
    fields = ["action", "reason", "by", "at"]
    readonly_fields = fields
    show_change_link = False
    verbose_name_plural = gettext_lazy("Moderation log")


@admin.register(Review)
class ReviewAdmin(TransitionAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "item_title",
        "artist",
        "buyer",
        "rating",
        "is_hidden",
        "answered",
        "created_at",
    ]
    list_filter = ["is_hidden", "rating"]
    search_fields = ["text", "item__title", "artist__name", "buyer__username"]
    list_select_related = ["item", "artist", "buyer"]
    date_hierarchy = "created_at"
    inlines = [ReviewPhotoInline, ReviewModerationInline]
    fields = [
        "item_link",
        "artist_link",
        "buyer",
        "line",
        "rating",
        "text",
        "answer",
        "answered_at",
        "is_hidden",
        "hidden_reason",
        "hidden_at",
        "created_at",
        "edited_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_transition_permission(self, request, obj=None) -> bool:
        user = request.user
        return bool(
            user.is_active and user.is_staff and user.has_perm("reviews.change_review")
        )

    def available_transitions(self, request, obj):
        return [UNHIDE] if obj.is_hidden else [HIDE]

    def transition_summary(self, obj):
        return [
            (_("Piece"), obj.item.title),
            (_("Shop"), obj.artist.name),
            (_("Stars"), obj.rating),
            (_("Review"), obj.text),
        ]

    @admin.display(description=gettext_lazy("item"), ordering="item__title")
    def item_title(self, obj):
        return obj.item.title

    @admin.display(description=gettext_lazy("answered"), boolean=True)
    def answered(self, obj):
        return obj.answered_at is not None

    @admin.display(description=gettext_lazy("item"))
    def item_link(self, obj):
        return admin_link(obj.item, obj.item.title)

    @admin.display(description=gettext_lazy("artist"))
    def artist_link(self, obj):
        return admin_link(obj.artist, obj.artist.name)
