from django.contrib import admin

from chat.models import ChatLine


@admin.register(ChatLine)
class ChatLineAdmin(admin.ModelAdmin):
    list_display = ["said_at", "room", "user", "kind", "recipient", "text"]
    list_filter = ["kind", "said_at", ("room", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["text", "user__username", "room__name"]
    list_select_related = ["room", "user", "recipient"]
    date_hierarchy = "said_at"
    readonly_fields = ["id", "room", "user", "kind", "recipient", "text", "said_at"]

    def has_add_permission(self, request):
        return False
