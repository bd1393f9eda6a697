import logging

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from habbo.admin_logs import log_links
from habbo.admin_status import HotelStatusSite
from habbo.models import FilteredWord, PendingPush, ProcessedEvent, User
from habbo.text import validate_plain_text

log = logging.getLogger(__name__)


class ReadOnly:
    """Facts kept by the consumers: listed, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StaffLoginForm(OTPAdminAuthenticationForm):
    """The admin login: password, staff status, then the TOTP token; logs each refusal."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError as refusal:
            # Named only once the password matched: a mistyped name can be a password.
            user = self.get_user()
            log.warning(
                "admin login refused for %s from %s: %s",
                repr(user.username) if user else "a wrong username or password",
                self.request.META.get("REMOTE_ADDR"),
                " ".join(refusal.messages),
            )
            raise


class HotelAdminSite(HotelStatusSite, OTPAdminSite):
    """Staff only, and only once verified by their second factor (django-otp);
    with the Hotel status page (habbo.admin_status)."""

    login_form = StaffLoginForm


@admin.register(User)
class HotelUserAdmin(UserAdmin):
    list_display = ["username", "motto", "credits", "is_active", "is_staff", "last_seen", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "date_joined", "last_seen"]
    search_fields = ["username", "email", "motto"]
    fieldsets = UserAdmin.fieldsets + (
        ("Hotel", {"fields": ("motto", "credits", *User.FIGURE_FIELDS, "last_seen")}),
        ("Logs", {"fields": ("logs",)}),
    )
    # Credits change only through the ledger: staff grant them with an action (economy).
    readonly_fields = ["credits", "logs"]

    @admin.display(description="logs")
    def logs(self, user: User) -> str:
        return log_links(self.admin_site, "player", user.pk)


@admin.register(ProcessedEvent)
class ProcessedEventAdmin(admin.ModelAdmin):
    list_display = ["event_type", "consumer", "event_id", "topic", "partition", "offset", "processed_at"]
    list_filter = ["consumer", "event_type"]
    search_fields = ["=event_id"]
    date_hierarchy = "processed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PendingPush)
class PendingPushAdmin(admin.ModelAdmin):
    """Pushes a killed consumer left unsent; the next reader of its partitions sends them."""

    list_display = ["consumer", "created_at", "pushes"]
    list_filter = ["consumer"]
    search_fields = ["consumer"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FilteredWordForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The replacement is shown where the word was written: plain text, as players' own.
        for name in ("word", "replacement"):
            self.fields[name].validators.append(validate_plain_text)


@admin.register(FilteredWord)
class FilteredWordAdmin(admin.ModelAdmin):
    """The word filter's list (habbo.wordfilter); a change reaches every process within a second."""

    form = FilteredWordForm
    list_display = ["word", "replacement", "opens_ticket", "created_at"]
    list_filter = ["opens_ticket"]
    search_fields = ["word", "replacement"]
