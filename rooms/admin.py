from django.contrib import admin

from rooms.models import Furni, Item, Room, Visit


class FurniInline(admin.TabularInline):
    model = Furni
    extra = 0
    fields = readonly_fields = ["item", "owner", "x", "y", "rotation"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "is_public", "capacity", "player_count", "created_at"]
    list_filter = ["is_public", "created_at"]
    search_fields = ["name", "description", "owner__username", "=id"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["id", "player_count", "created_at"]
    date_hierarchy = "created_at"
    inlines = [FurniInline]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["name", "look", "width", "length", "height", "can_sit", "can_lay", "can_walk_on", "can_stack"]
    list_filter = ["look", "can_sit", "can_lay", "can_walk_on", "can_stack"]
    search_fields = ["name"]


@admin.register(Furni)
class FurniAdmin(admin.ModelAdmin):
    """Pieces are made by purchases and change hands by events, never here."""

    list_display = ["id", "item", "owner", "room", "x", "y", "rotation", "created_at"]
    list_filter = ["item"]
    search_fields = ["room__name", "item__name", "owner__username", "=id"]
    list_select_related = ["item", "owner", "room"]
    readonly_fields = ["item", "owner", "room", "x", "y", "rotation", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["user", "room", "entered_at", "left_at"]
    list_filter = ["entered_at", ("room", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "room__name"]
    list_select_related = ["user", "room"]
    date_hierarchy = "entered_at"
    readonly_fields = ["id", "room", "user", "entered_at", "left_at"]

    def has_add_permission(self, request):
        return False
