from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from lib.imports import ImportExportMixin
from units import services
from units.models import Membership, Unit, User
from units.resources import MembershipResource, UnitResource, UserResource


class UnitAdminForm(forms.ModelForm):
    parent = forms.ModelChoiceField(
        label=_("Unit induk"),
        queryset=Unit.objects.only("code", "name", "path", "depth"),
        required=False,
        help_text=_("Kosongkan untuk unit teratas (kementerian/lembaga atau pemerintah daerah)."),
    )

    class Meta:
        model = Unit
        fields = services.UNIT_FIELDS

    website = forms.URLField(label=_("situs web"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.depth > 1:
            self.fields["parent"].initial = services.parent_of(self.instance)

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent and self.instance.pk and parent.path.startswith(self.instance.path):
            raise forms.ValidationError(
                _("Unit tidak dapat dipindahkan ke bawah dirinya sendiri atau unit bawahannya.")
            )
        return parent


class ParentFilter(admin.SimpleListFilter):
    """Units under a chosen unit (its whole subtree)."""

    title = _("di bawah unit")
    parameter_name = "induk"

    def lookups(self, request, model_admin):
        parents = Unit.objects.filter(numchild__gt=0).only("code", "name", "depth")
        return [(unit.code, f"{'— ' * (unit.depth - 1)}{unit.name}") for unit in parents]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        parent = Unit.objects.filter(code=self.value()).first()
        if parent is None:
            return queryset.none()
        return queryset.filter(path__startswith=parent.path).exclude(pk=parent.pk)


class ProvinceFilter(admin.SimpleListFilter):
    title = _("provinsi")
    parameter_name = "provinsi"

    def lookups(self, request, model_admin):
        provinces = (
            Unit.objects.exclude(province="")
            .order_by("province")
            .values_list("province", flat=True)
            .distinct()
        )
        return [(province, province) for province in provinces]

    def queryset(self, request, queryset):
        return queryset.filter(province=self.value()) if self.value() else queryset


@admin.register(Unit)
class UnitAdmin(ImportExportMixin, SimpleHistoryAdmin):
    form = UnitAdminForm
    resource_classes = [UnitResource]
    list_display = ("name", "code", "kind", "lineage", "province", "regency", "is_active")
    list_filter = (ParentFilter, "kind", ProvinceFilter, "is_active")
    search_fields = ("code", "name", "short_name", "head_name")
    ordering = ("path",)
    list_per_page = 100
    fieldsets = (
        (None, {"fields": (*services.IDENTITY_FIELDS, "parent", "is_active")}),
        (_("Wilayah dan kontak"), {"fields": services.CONTACT_FIELDS}),
        (_("Pimpinan"), {"fields": services.HEAD_FIELDS}),
        (_("Kop surat"), {"fields": ("logo",)}),
    )

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # The path column names every ancestor: load all of them in one query.
        needed = {path for unit in changelist.result_list for path in unit.ancestor_paths}
        names = {
            path: short_name or name
            for path, short_name, name in Unit.objects.filter(path__in=needed).values_list(
                "path", "short_name", "name"
            )
        }
        for unit in changelist.result_list:
            unit.lineage_names = [names.get(path, "?") for path in unit.ancestor_paths]
        return changelist

    @admin.display(description=_("jalur"))
    def lineage(self, unit: Unit) -> str:
        names = getattr(unit, "lineage_names", None)
        if names is None:
            names = [ancestor.short_name or ancestor.name for ancestor in unit.ancestors()]
        return " › ".join([*names, unit.short_name or unit.name])

    def save_model(self, request, obj: Unit, form, change):
        parent = form.cleaned_data.get("parent")
        values = {
            name: form.cleaned_data[name]
            for name in services.UNIT_FIELDS
            if name in form.cleaned_data and name != "code"
        }
        if not change:
            created = services.unit_create(parent=parent, by=request.user, code=obj.code, **values)
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            return
        services.unit_update(unit=obj, by=request.user, **values)
        services.unit_move(unit=obj, new_parent=parent, by=request.user)

    def delete_model(self, request, obj):
        services.unit_delete(unit=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        # One by one, deepest first, so every ancestor's descendant count follows.
        for unit in sorted(queryset, key=lambda unit: -unit.depth):
            if Unit.objects.filter(pk=unit.pk).exists():
                services.unit_delete(unit=unit, by=request.user)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ("unit",)
    readonly_fields = ("granted_by", "created_at")


class ZiUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", *User.EMPLOYEE_FIELDS)


class ZiUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(ImportExportMixin, SimpleHistoryAdmin, DjangoUserAdmin):
    resource_classes = [UserResource]
    form = ZiUserChangeForm
    add_form = ZiUserCreationForm
    list_display = (
        "username",
        "full_name",
        "nip",
        "position",
        "email",
        "is_active",
        "is_superuser",
    )
    list_filter = ("is_active", "is_superuser")
    search_fields = ("username", "full_name", "nip", "email")
    ordering = ("username",)
    inlines = (MembershipInline,)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Data pegawai"), {"fields": User.EMPLOYEE_FIELDS}),
        (_("Hak akses"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Waktu"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", *User.EMPLOYEE_FIELDS, "password1", "password2"),
            },
        ),
    )


@admin.register(Membership)
class MembershipAdmin(ImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [MembershipResource]
    list_display = ("user", "role", "unit", "granted_by", "created_at")
    list_filter = ("role", "unit__kind")
    list_select_related = ("user", "unit", "granted_by")
    search_fields = ("user__username", "user__full_name", "user__nip", "unit__code", "unit__name")
    autocomplete_fields = ("user", "unit")
    readonly_fields = ("granted_by", "created_at")

    def save_model(self, request, obj: Membership, form, change):
        if not change:
            created = services.membership_grant(
                unit=obj.unit, user=obj.user, role=obj.role, by=request.user
            )
            obj.pk = created.pk
            return
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
