"""Logs a moderator reads in the admin (chat, visits, private messages):
times to the second, one room's or one player's log opened from their page,
and a note on the page for the lines this member of staff may not read."""

from datetime import datetime
from urllib.parse import urlencode

from django.contrib.admin import AdminSite
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join

# The admin's own date format stops at the minute; a log needs the second.
SECOND = "%Y-%m-%d %H:%M:%S"


def to_the_second(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).strftime(SECOND) if moment else None


class LogAdmin:
    """A ModelAdmin mixin for a log: opened with `?<foreign key>__id__exact=<pk>`
    from a room's or a player's page, it is titled with whose log it is."""

    change_list_template = "admin/log_change_list.html"
    log_title = "Log"
    # What a log can be opened for ("room", "player") → the foreign key it filters on.
    log_of: dict[str, str] = {}

    def hidden_note(self, request) -> str:
        """Which lines this member of staff is not shown ("" when none are hidden)."""
        return ""

    def get_list_display(self, request):
        # One room's log need not name the room on every row, nor a player's the player.
        filtered = {field for field in self.log_of.values() if f"{field}__id__exact" in request.GET}
        return [column for column in super().get_list_display(request) if column not in filtered]

    def changelist_view(self, request, extra_context=None):
        # A log's lines are read at the page's full width: no navigation sidebar (the breadcrumbs lead back).
        context = {
            "title": self._heading(request), "hidden_note": self.hidden_note(request), "is_nav_sidebar_enabled": False,
        }
        return super().changelist_view(request, context | (extra_context or {}))

    def _heading(self, request) -> str:
        for subject, field in self.log_of.items():
            pk = request.GET.get(f"{field}__id__exact")
            if pk is None:
                continue
            related = self.model._meta.get_field(field).related_model
            try:
                whom = related._default_manager.filter(pk=pk).first()
            except (ValueError, ValidationError):
                whom = None  # a malformed id: the changelist itself says the filter is wrong
            if whom is not None:
                return f"{self.log_title} of {subject} {whom}"
        return self.log_title


def log_links(site: AdminSite, subject: str, pk) -> str:
    """Links to every log the admin keeps for this room or player (for its change page)."""
    links = sorted(
        (model_admin.log_title, reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
         urlencode({f"{model_admin.log_of[subject]}__id__exact": pk}))
        for model, model_admin in site._registry.items()
        if isinstance(model_admin, LogAdmin) and subject in model_admin.log_of
    )
    return format_html_join(" · ", '<a href="{1}?{2}">{0}</a>', links) or "–"
