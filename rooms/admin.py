from django.contrib import admin

from habbo.admin import ReadOnly
from habbo.admin_logs import LogAdmin, log_links, to_the_second

from rooms.models import Furni, Item, Room, RoomRight, Trade, Visit


class FurniInline(admin.TabularInline):
    model = Furni
    extra = 0
    fields = readonly_fields = ["item", "owner", "x", "y", "z", "rotation"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class RightsInline(admin.TabularInline):
    """Rights are given and taken by the owner in the room (room.rights_changed), not here."""

    model = RoomRight
    extra = 0
    fields = readonly_fields = ["user", "granted_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "is_public", "capacity", "player_count", "created_at"]
    list_filter = ["is_public", "created_at"]
    search_fields = ["name", "description", "owner__username", "=id"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["id", "player_count", "created_at", "logs"]
    date_hierarchy = "created_at"
    inlines = [RightsInline, FurniInline]

    @admin.display(description="logs")
    def logs(self, room: Room) -> str:
        # The add form's room has its id already (a default) but no log yet.
        return "–" if room._state.adding else log_links(self.admin_site, "room", room.pk)


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["name", "look", "width", "length", "height", "can_sit", "can_lay", "can_walk_on", "can_stack"]
    list_filter = ["look", "can_sit", "can_lay", "can_walk_on", "can_stack"]
    search_fields = ["name"]


@admin.register(Furni)
class FurniAdmin(admin.ModelAdmin):
    """Pieces are made by purchases and change hands by events, never here."""

    list_display = ["id", "item", "owner", "room", "x", "y", "z", "rotation", "created_at"]
    list_filter = ["item"]
    search_fields = ["room__name", "item__name", "owner__username", "=id"]
    list_select_related = ["item", "owner", "room"]
    readonly_fields = ["item", "owner", "room", "x", "y", "z", "rotation", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(RoomRight)
class RoomRightAdmin(admin.ModelAdmin):
    """Who may furnish which room; given and taken by the room's owner (room.rights_changed), never here."""

    list_display = ["room", "user", "granted_at"]
    list_filter = ["granted_at"]
    search_fields = ["room__name", "user__username"]
    list_select_related = ["room", "user"]
    readonly_fields = ["room", "user", "granted_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Visit)
class VisitAdmin(LogAdmin, ReadOnly, admin.ModelAdmin):
    """The visit log, kept by the visit-log consumer (rooms.services.visit_log_record)."""

    log_title = "Visit log"
    log_of = {"room": "room", "player": "user"}
    list_display = ["entered", "left", "user", "room"]
    list_filter = ["entered_at", ("room", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "room__name"]
    list_select_related = ["user", "room"]
    date_hierarchy = "entered_at"
    fields = readonly_fields = ["id", "room", "user", "entered", "left"]

    @admin.display(description="entered at", ordering="entered_at")
    def entered(self, visit: Visit) -> str | None:
        return to_the_second(visit.entered_at)

    @admin.display(description="left at", ordering="left_at")
    def left(self, visit: Visit) -> str | None:
        return to_the_second(visit.left_at)


@admin.register(Trade)
class TradeAdmin(ReadOnly, admin.ModelAdmin):
    """The trade log: every trade both players confirmed, as it was applied."""

    list_display = ["at", "first", "second", "status", "reason", "room", "pieces"]
    list_filter = ["status", "at"]
    search_fields = ["first__username", "second__username", "room__name", "=id"]
    list_select_related = ["first", "second", "room"]
    date_hierarchy = "at"
    readonly_fields = ["id", "room", "first", "second", "first_gave", "second_gave", "status", "reason", "at"]

    @admin.display(description="pieces (first ⇄ second)")
    def pieces(self, trade: Trade) -> str:
        return f"{len(trade.first_gave)} ⇄ {len(trade.second_gave)}"
