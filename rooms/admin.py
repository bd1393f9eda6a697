from django.contrib import admin

from rooms.models import Item, Room, RoomItem, Visit


class RoomItemInline(admin.TabularInline):
    model = RoomItem
    extra = 0
    autocomplete_fields = ["item", "owner"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "is_public", "capacity", "player_count", "created_at"]
    list_filter = ["is_public", "created_at"]
    search_fields = ["name", "description", "owner__username", "=id"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["id", "player_count", "created_at"]
    date_hierarchy = "created_at"
    inlines = [RoomItemInline]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["name", "price", "width", "length", "can_sit", "can_walk_on"]
    list_filter = ["can_sit", "can_walk_on"]
    search_fields = ["name"]


@admin.register(RoomItem)
class RoomItemAdmin(admin.ModelAdmin):
    list_display = ["item", "room", "owner", "x", "y", "rotation"]
    list_filter = ["item"]
    search_fields = ["room__name", "item__name", "owner__username"]
    autocomplete_fields = ["room", "item", "owner"]


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
