"""The moderators' admin: sanctions from the player and room pages (and in
bulk from their lists), the call-for-help queue, and every sanction's record.

Each action publishes an event (moderation.services); the moderation
consumer applies it, so the page says "sent" and the record appears once it
is applied (within a second with the consumer running).
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from chat.models import READ_PRIVATE_LINES
from habbo.admin import HotelUserAdmin, ReadOnly
from habbo.bus.producer import EventBusUnavailable
from habbo.models import Rank, User
from habbo.restrictions import banned_now, time_left
from moderation import services
from moderation.events import MINUTES_MAX, REASON_MAX
from moderation.models import RoomSanction, Sanction, Ticket
from moderation.rules import is_moderator, rank_of
from rooms.admin import RoomAdmin
from rooms.models import Room

UNAVAILABLE = "Kafka did not take it: nothing was done. Try again."


class SanctionForm(forms.Form):
    what = forms.ChoiceField(choices=[
        ("next", "the next default sanction (alert → 1 h mute → 24 h ban → 7 day ban → for good)"),
        ("alert", "alert (a box the player must close)"),
        ("kick", "kick from the room they are in"),
        ("mute", "mute"),
        ("ban", "ban"),
        ("trade_lock", "trade lock"),
        ("lift_mute", "lift the mute"),
        ("lift_ban", "lift the ban"),
        ("lift_trade_lock", "lift the trade lock"),
    ])
    minutes = forms.IntegerField(
        required=False, min_value=1, max_value=MINUTES_MAX,
        help_text="A mute or trade lock: how many minutes (required).",
    )
    hours = forms.IntegerField(
        required=False, min_value=1, max_value=MINUTES_MAX // 60, help_text="A ban: how many hours; empty: for good."
    )
    reason = forms.CharField(max_length=REASON_MAX)

    def clean(self):
        data = super().clean()
        if data.get("what") in ("mute", "trade_lock") and not data.get("minutes"):
            self.add_error("minutes", "Say for how many minutes.")
        return data

    def apply(self, *, moderator: User, target: User) -> None:
        what, reason = self.cleaned_data["what"], self.cleaned_data["reason"]
        if what.startswith("lift_"):
            services.lift_request(moderator=moderator, target_id=target.pk, kind=what[5:], reason=reason)
            return
        minutes = self.cleaned_data["minutes"] if what in ("mute", "trade_lock") else None
        if what == "ban" and self.cleaned_data["hours"]:
            minutes = self.cleaned_data["hours"] * 60
        services.sanction_request(moderator=moderator, target_id=target.pk, kind=what, minutes=minutes, reason=reason)


class RoomActionForm(forms.Form):
    # Not `action`: the admin's POST names the action (moderate) with that.
    what = forms.ChoiceField(choices=RoomSanction.Action.choices)
    reason = forms.CharField(max_length=REASON_MAX)


class CloseTicketForm(forms.Form):
    outcome = forms.ChoiceField(choices=Ticket.Outcome.choices)
    note = forms.CharField(max_length=REASON_MAX, required=False, help_text="Added to what the reporter is told.")


def _act(modeladmin, request, queryset: QuerySet, form_class, apply, *, title: str, action: str | None):
    """An action with a form: shown first, applied to each object when posted
    back with `apply`. Each refusal is said, and the others still go."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        sent = 0
        for obj in queryset:
            try:
                apply(form, obj)
                sent += 1
            except services.ModerationRefused as refused:
                modeladmin.message_user(request, f"{obj}: {refused.message}", messages.ERROR)
            except EventBusUnavailable:
                modeladmin.message_user(request, f"{obj}: {UNAVAILABLE}", messages.ERROR)
        if sent:
            modeladmin.message_user(request, f"Sent for {sent}; it applies within a second.", messages.SUCCESS)
        return None
    context = modeladmin.admin_site.each_context(request) | {
        "title": title, "form": form, "objects": queryset, "opts": modeladmin.model._meta, "action": action,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/moderation/act.html", context)


class History(admin.TabularInline):
    """Records kept by the consumer, shown on a page, never edited there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SanctionInline(History):
    model = Sanction
    fk_name = "target"
    fields = readonly_fields = ["created_at", "kind", "reason", "moderator", "until", "lifted_at", "lifted_by"]
    verbose_name_plural = "sanction history"


admin.site.unregister(User)


@admin.register(User)
class ModeratedUserAdmin(HotelUserAdmin):
    list_display = ["username", "rank", "standing", "motto", "credits", "is_active", "last_seen", "date_joined"]
    list_filter = ["rank", "banned", *HotelUserAdmin.list_filter]
    actions = ["sanction"]
    inlines = [SanctionInline]
    change_form_template = "admin/moderation/user_change_form.html"
    fieldsets = HotelUserAdmin.fieldsets + (
        ("Moderation", {"fields": ("rank", "standing", "abusive_reports")}),
    )
    readonly_fields = [*HotelUserAdmin.readonly_fields, "standing", "abusive_reports"]

    def get_readonly_fields(self, request, obj=None):
        # Only administrators make staff and say what staff may do.
        fields = super().get_readonly_fields(request, obj)
        if rank_of(request.user) >= Rank.ADMINISTRATOR:
            return fields
        return [*fields, "rank", "is_staff", "is_superuser", "groups", "user_permissions"]

    def has_change_permission(self, request, obj=None):
        # Nobody edits a rank above their own.
        above = obj is not None and rank_of(obj) > rank_of(request.user)
        return not above and super().has_change_permission(request, obj)

    @admin.display(description="sanctions in force")
    def standing(self, user: User) -> str:
        now = []
        if banned_now(user):
            now.append(f"banned ({time_left(user.banned_until)}): {user.ban_reason}")
        for label, until in (("muted", user.muted_until), ("trade-locked", user.trade_locked_until)):
            if until and until > timezone.now():
                now.append(f"{label} ({time_left(until)} left)")
        return "; ".join(now) or "–"

    @admin.display(description="reports found abusive (7 days)")
    def abusive_reports(self, user: User) -> int:
        return services.abusive_reports(user)

    def has_sanction_permission(self, request) -> bool:
        return is_moderator(request.user)

    @admin.action(description="Sanction the selected players…", permissions=["sanction"])
    def sanction(self, request, queryset):
        return _act(
            self, request, queryset, SanctionForm, lambda form, user: form.apply(moderator=request.user, target=user),
            title="Sanction players", action="sanction",
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.sanction_one)
        own = [path("<int:user_id>/sanction/", view, name="habbo_user_sanction")]
        return own + super().get_urls()

    def sanction_one(self, request, user_id: int):
        """The player page's Sanction button: the same form, for one player."""
        if not self.has_sanction_permission(request):
            return redirect(reverse("admin:habbo_user_change", args=[user_id]))
        answer = self.sanction(request, User.objects.filter(pk=get_object_or_404(User, pk=user_id).pk))
        return answer or redirect(reverse("admin:habbo_user_change", args=[user_id]))


class RoomSanctionInline(History):
    model = RoomSanction
    fields = readonly_fields = ["created_at", "action", "reason", "previous_name", "moderator"]
    verbose_name_plural = "moderators' actions"


admin.site.unregister(Room)


@admin.register(Room)
class ModeratedRoomAdmin(RoomAdmin):
    actions = ["moderate"]
    inlines = [*RoomAdmin.inlines, RoomSanctionInline]

    change_form_template = "admin/moderation/room_change_form.html"

    def has_moderate_permission(self, request) -> bool:
        return is_moderator(request.user)

    def get_urls(self):
        view = self.admin_site.admin_view(self.moderate_one)
        return [path("<uuid:room_id>/moderate/", view, name="rooms_room_moderate"), *super().get_urls()]

    def moderate_one(self, request, room_id):
        """The room page's Moderate button: the same form, for this room."""
        back = redirect(reverse("admin:rooms_room_change", args=[room_id]))
        if not self.has_moderate_permission(request):
            return back
        return self.moderate(request, Room.objects.filter(pk=get_object_or_404(Room, pk=room_id).pk)) or back

    @admin.action(description="Kick everyone, lock or rename the selected rooms…", permissions=["moderate"])
    def moderate(self, request, queryset):
        def apply(form, room):
            services.room_action_request(
                moderator=request.user, room_id=room.pk, action=form.cleaned_data["what"],
                reason=form.cleaned_data["reason"],
            )

        return _act(self, request, queryset, RoomActionForm, apply, title="Act on rooms", action="moderate")


@admin.register(Sanction)
class SanctionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "target", "kind", "reason", "moderator", "until", "escalated", "lifted_at"]
    list_filter = ["kind", "escalated", "created_at"]
    search_fields = ["target__username", "moderator__username", "reason"]
    list_select_related = ["target", "moderator"]
    date_hierarchy = "created_at"


@admin.register(RoomSanction)
class RoomSanctionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "room", "action", "reason", "previous_name", "moderator"]
    list_filter = ["action", "created_at"]
    search_fields = ["room__name", "previous_name", "moderator__username"]
    list_select_related = ["room", "moderator"]


class OpenFirst(admin.SimpleListFilter):
    """The queue opens on what is still to do."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("todo", "open or picked"), *Ticket.State.choices, ("all", "all")]

    def queryset(self, request, queryset):
        value = self.value() or "todo"
        if value == "todo":
            return queryset.exclude(state=Ticket.State.CLOSED)
        return queryset if value == "all" else queryset.filter(state=value)

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "todo") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


def _lines_table(ticket: Ticket, lines: list[dict]) -> str:
    """The lines with seconds, the reported one marked."""
    if not lines:
        return "–"
    rows = format_html_join(
        "", "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (format_html(' class="reported"') if line["id"] == str(ticket.chat_line_id) else "",
             line["at"][11:19], line["user"], line["kind"] + (f" to {line['to']}" if line["to"] else ""), line["text"])
            for line in lines
        ),
    )
    return format_html('<table class="ticket-lines"><tbody>{}</tbody></table>', rows)


@admin.register(Ticket)
class TicketAdmin(ReadOnly, admin.ModelAdmin):
    """The call-for-help queue: open → picked (by whom) → closed with an outcome."""

    list_display = ["created_at", "about", "about_user", "reporter", "room", "message", "state", "picked_by", "outcome"]
    list_filter = [OpenFirst, "about", "outcome"]
    # Not the quote: it may be a whisper (below).
    search_fields = ["reporter__username", "about_user__username", "message"]
    list_select_related = ["reporter", "about_user", "room", "picked_by"]
    actions = ["pick", "close"]
    fields = readonly_fields = [
        "created_at", "about", "reporter", "about_user", "room", "message", "quote", "lines", "state", "picked_by",
        "picked_at", "closed_by", "closed_at", "outcome", "note",
    ]

    def get_fields(self, request, obj=None):
        # Whispers and private messages only for those who may read them (as the chat log).
        fields = super().get_fields(request, obj)
        if request.user.has_perm(READ_PRIVATE_LINES):
            return fields
        hidden = {"lines": "public_lines", "quote": "hidden_quote" if obj and obj.private_quote else "quote"}
        return [hidden.get(field, field) for field in fields]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description="chat lines of that moment")
    def lines(self, ticket: Ticket) -> str:
        return _lines_table(ticket, ticket.chat_lines)

    @admin.display(description="quote")
    def hidden_quote(self, ticket: Ticket) -> str:
        return "(a whisper or private message: hidden, you may not read them)"

    @admin.display(description="chat lines of that moment (whispers hidden: you may not read them)")
    def public_lines(self, ticket: Ticket) -> str:
        return _lines_table(ticket, [line for line in ticket.chat_lines if line["kind"] != "whisper"])

    def has_moderate_permission(self, request) -> bool:
        return is_moderator(request.user)

    @admin.action(description="Pick the selected tickets", permissions=["moderate"])
    def pick(self, request, queryset):
        def apply(form, ticket):
            services.ticket_pick_request(moderator=request.user, ticket=ticket)

        return _act(self, request, queryset, forms.Form, apply, title="Pick tickets", action="pick")

    @admin.action(description="Close the selected tickets…", permissions=["moderate"])
    def close(self, request, queryset):
        def apply(form, ticket):
            services.ticket_close_request(moderator=request.user, ticket=ticket, **form.cleaned_data)

        return _act(self, request, queryset, CloseTicketForm, apply, title="Close tickets", action="close")
