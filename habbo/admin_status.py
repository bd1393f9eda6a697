"""The admin's Hotel status page (admin/status/), linked from the admin index."""

from django.template.response import TemplateResponse
from django.urls import path

from habbo.status import RATE_WINDOW_S, hotel_status


class HotelStatusSite:
    """An AdminSite mixin: staff only, as every admin page (admin_view)."""

    index_template = "admin/hotel_index.html"

    def get_urls(self):
        return [path("status/", self.admin_view(self.hotel_status_view), name="hotel_status"), *super().get_urls()]

    def hotel_status_view(self, request):
        context = {
            **self.each_context(request), "title": "Hotel status", "status": hotel_status(),
            "rate_window_s": RATE_WINDOW_S,
        }
        return TemplateResponse(request, "admin/hotel_status.html", context)
