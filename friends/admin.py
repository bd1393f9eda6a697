from django.contrib import admin

from friends.models import FriendRequest, Friendship, OfflineNotice, PrivateMessage


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
class PrivateMessageAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "sender", "recipient", "text", "read_at"]
    list_filter = ["sent_at"]
    search_fields = ["text", "sender__username", "recipient__username"]
    list_select_related = ["sender", "recipient"]
    date_hierarchy = "sent_at"
    readonly_fields = ["id", "sender", "recipient", "text", "sent_at", "read_at"]

    def has_add_permission(self, request):
        return False
