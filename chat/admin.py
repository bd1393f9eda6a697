from django.contrib import admin

from chat.models import READ_PRIVATE_LINES, ChatLine
from habbo.admin import ReadOnly
from habbo.admin_logs import LogAdmin, to_the_second


@admin.register(ChatLine)
class ChatLineAdmin(LogAdmin, ReadOnly, admin.ModelAdmin):
    """The chat log, kept by the chat-history consumer; whispers only for staff with the permission."""

    log_title = "Chat log"
    log_of = {"room": "room", "player": "user"}
    # A player's log is what they said and, for a whisper, to whom.
    list_display = ["said", "room", "user", "kind", "recipient", "text"]
    list_filter = ["kind", "said_at", ("room", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["text", "user__username", "room__name"]
    list_select_related = ["room", "user", "recipient"]
    date_hierarchy = "said_at"
    fields = readonly_fields = ["id", "room", "user", "kind", "recipient", "text", "said"]

    @admin.display(description="said at", ordering="said_at")
    def said(self, line: ChatLine) -> str | None:
        return to_the_second(line.said_at)

    def get_queryset(self, request):
        lines = super().get_queryset(request)
        return lines if request.user.has_perm(READ_PRIVATE_LINES) else lines.exclude(kind=ChatLine.Kind.WHISPER)

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return shown if request.user.has_perm(READ_PRIVATE_LINES) else [c for c in shown if c != "recipient"]

    def hidden_note(self, request) -> str:
        if request.user.has_perm(READ_PRIVATE_LINES):
            return ""
        return "Whispers are hidden: reading them needs the permission “Can read whispers and private messages”."
