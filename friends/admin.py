from django.contrib import admin

from chat.models import READ_PRIVATE_LINES
from friends.models import FriendRequest, Friendship, OfflineNotice, PrivateMessage
from habbo.admin import ReadOnly
from habbo.admin_logs import LogAdmin, to_the_second


@admin.register(FriendRequest)
class FriendRequestAdmin(admin.ModelAdmin):
    list_display = ["sender", "recipient", "status", "created_at", "decided_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["sender__username", "recipient__username"]
    autocomplete_fields = ["sender", "recipient"]
    date_hierarchy = "created_at"


@admin.register(Friendship)
class FriendshipAdmin(admin.ModelAdmin):
    list_display = ["user_low", "user_high", "created_at"]
    search_fields = ["user_low__username", "user_high__username"]
    autocomplete_fields = ["user_low", "user_high"]
    date_hierarchy = "created_at"


@admin.register(OfflineNotice)
class OfflineNoticeAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "user", "email", "subject"]
    search_fields = ["user__username", "email"]
    date_hierarchy = "sent_at"


@admin.register(PrivateMessage)
class PrivateMessageAdmin(LogAdmin, ReadOnly, admin.ModelAdmin):
    """The messenger's lines, kept by the friends consumer; only for staff with the permission."""

    log_title = "Private messages"
    list_display = ["sent", "sender", "recipient", "text", "read"]
    list_filter = ["sent_at"]
    search_fields = ["text", "sender__username", "recipient__username"]
    list_select_related = ["sender", "recipient"]
    date_hierarchy = "sent_at"
    fields = readonly_fields = ["id", "sender", "recipient", "text", "sent", "read"]

    @admin.display(description="sent at", ordering="sent_at")
    def sent(self, message: PrivateMessage) -> str | None:
        return to_the_second(message.sent_at)

    @admin.display(description="read at", ordering="read_at")
    def read(self, message: PrivateMessage) -> str | None:
        return to_the_second(message.read_at)

    def get_queryset(self, request):
        messages = super().get_queryset(request)
        return messages if request.user.has_perm(READ_PRIVATE_LINES) else messages.none()

    def hidden_note(self, request) -> str:
        if request.user.has_perm(READ_PRIVATE_LINES):
            return ""
        return "Private messages are hidden: reading them needs the permission “Can read whispers and private messages”."
