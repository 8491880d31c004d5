from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from marketplace import images
from marketplace.admin import StaffTransition, TransitionAdminMixin

from . import services
from .categories import category_tree
from .models import (
    Artist,
    ArtistPhoto,
    Category,
    Item,
    ItemPhoto,
    StockAlert,
    Variant,
)
from .stock import notify_back_in_stock


class ApprovedFilter(admin.SimpleListFilter):
    title = _("approved")
    parameter_name = "approved"

    def lookups(self, request, model_admin):
        return [("yes", _("Approved")), ("no", _("Awaiting approval"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(approved_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(approved_at__isnull=True)
        return queryset


class CleanedPhotoForm(forms.ModelForm):
    """A photo staff upload here is cleaned like the artists' own
    (``marketplace.images``: format and size checked, no EXIF or GPS) before
    anything is stored, and gets its thumbnail."""

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            image = images.clean_image(image)
            self.thumbnail = images.make_thumbnail(image)
        return image

    def save(self, commit=True):
        photo = super().save(commit=False)
        thumbnail = getattr(self, "thumbnail", None)
        if thumbnail is not None:
            photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
        if commit:
            photo.save()
        return photo


class ArtistPhotoInline(admin.TabularInline):
    model = ArtistPhoto
    form = CleanedPhotoForm
    extra = 0
    fields = ["image", "thumbnail", "position"]
    readonly_fields = ["thumbnail"]


def _approve(request, obj, data):
    services.artist_approve(artist=obj, by=request.user)
    return gettext(
        "Shop %(name)s approved: buyers can see it and its artist was emailed."
    ) % {"name": obj.name}


APPROVE = StaffTransition(
    name="approve",
    label=_("Approve"),
    run=_approve,
    help_text=_(
        "The shop becomes visible to buyers with its items, and its artist is emailed."
    ),
)


@admin.register(Artist)
class ArtistAdmin(TransitionAdminMixin, admin.ModelAdmin):
    list_display = ["name", "shop_address", "user", "approved_at", "country"]
    list_filter = [ApprovedFilter, "country"]
    search_fields = ["name", "slug", "user__email", "user__username"]
    readonly_fields = ["approved_at", "approved_by", "created_at", "updated_at"]
    raw_id_fields = ["user"]
    inlines = [ArtistPhotoInline]
    actions = ["approve_selected"]
    fieldsets = [
        (None, {"fields": ["user", "name", "slug", "story", "location", "country"]}),
        (_("Seller on receipts"), {"fields": ["legal_name", "business_address"]}),
        (_("Approval"), {"fields": ["approved_at", "approved_by"]}),
        (
            _("Terms of sale"),
            {"fields": list(services.TERMS_FIELDS)},
        ),
        (
            _("Holiday"),
            {"fields": ["holiday_start_date", "holiday_end_date", "holiday_message"]},
        ),
        (_("Dates"), {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description=_("shop address (URL)"), ordering="slug")
    def shop_address(self, obj):
        """The shop's public page (a link once buyers can see it)."""
        url = obj.get_absolute_url()
        if not obj.is_approved:
            return url
        return format_html('<a href="{}">{}</a>', url, url)

    def available_transitions(self, request, obj):
        """An Approve button while the shop awaits approval (the same service
        as the API's ``staff/artists/{slug}/approve/``)."""
        return [] if obj.is_approved else [APPROVE]

    def transition_summary(self, obj):
        return [
            (_("Shop"), obj.name),
            (_("Artist"), f"{obj.user.get_username()} <{obj.user.email}>"),
            (_("Opened on"), obj.created_at),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Unlike the records with transition buttons, a shop stays editable.
        extra_context = {
            "show_save": True,
            "show_save_and_continue": True,
            "show_save_and_add_another": True,
            "show_delete_link": True,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Approve selected shops"), permissions=["change"])
    def approve_selected(self, request, queryset):
        approved = 0
        for artist in queryset.filter(approved_at__isnull=True):
            services.artist_approve(artist=artist, by=request.user)
            approved += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d shop approved; its artist was emailed.",
                "%(count)d shops approved; their artists were emailed.",
                approved,
            )
            % {"count": approved},
            messages.SUCCESS,
        )


class ItemPhotoInline(admin.TabularInline):
    model = ItemPhoto
    form = CleanedPhotoForm
    extra = 0
    fields = ["image", "thumbnail", "position"]
    readonly_fields = ["thumbnail"]


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ["name", "price", "stock", "position"]


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["parent", "name", "name_fr", "slug", "position"]

    def clean_parent(self):
        """A category cannot go under itself or one of its sub-categories."""
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk:
            tree = category_tree()
            if parent.pk in tree.subtree_ids(self.instance.pk):
                raise forms.ValidationError(
                    _("A category cannot be placed under itself or its sub-categories.")
                )
        return parent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The catalogue's tree, shown in order with sub-categories indented. A
    category that holds items or sub-categories cannot be deleted (Django's
    admin lists what protects it)."""

    form = CategoryForm
    list_display = ["tree_name", "name_fr", "slug", "position", "items"]
    search_fields = ["name", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_per_page = 500

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        order = {
            node.category.pk: (index, node.depth)
            for index, node in enumerate(category_tree().flat())
        }
        changelist.result_list = sorted(
            changelist.result_list, key=lambda category: order[category.pk][0]
        )
        for category in changelist.result_list:
            category.depth = order[category.pk][1]
        return changelist

    @admin.display(description=_("name in English"))
    def tree_name(self, obj):
        depth = getattr(obj, "depth", 0)
        return format_html(
            '<span style="padding-left:{}em">{}{}</span>',
            depth * 1.5,
            "└ " if depth else "",
            obj.name,
        )

    @admin.display(description=_("items"), ordering="item_count")
    def items(self, obj):
        return obj.item_count


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "artist",
        "category",
        "price",
        "personalisable",
        "is_active",
        "created_at",
    ]
    list_filter = ["is_active", "personalisable", "category"]
    search_fields = ["title", "artist__name"]
    list_select_related = ["artist", "category"]
    autocomplete_fields = ["artist"]
    inlines = [VariantInline, ItemPhotoInline]

    def save_formset(self, request, form, formset, change):
        """Variants whose stock an admin moved from 0 email their waiting
        alerts now, as the dashboard does (the periodic job is the backstop)."""
        super().save_formset(request, form, formset, change)
        if formset.model is not Variant:
            return
        for variant_form in formset.forms:
            variant = variant_form.instance
            if (
                variant.pk
                and "stock" in variant_form.changed_data
                and not variant_form.initial.get("stock")
                and variant.stock > 0
            ):
                locked = (
                    Variant.objects.select_for_update()
                    .select_related("item")
                    .get(pk=variant.pk)
                )
                notify_back_in_stock(variant=locked)


@admin.register(StockAlert)
class StockAlertAdmin(admin.ModelAdmin):
    list_display = ["variant", "user", "created_at", "notified_at"]
    list_filter = [("notified_at", admin.EmptyFieldListFilter)]
    search_fields = [
        "variant__item__title",
        "variant__name",
        "user__email",
        "user__username",
    ]
    list_select_related = ["variant", "variant__item", "user"]
    raw_id_fields = ["variant", "user"]
    readonly_fields = ["created_at", "notified_at"]
