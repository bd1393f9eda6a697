from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from economy import services
from economy.events import MAX_GRANT
from economy.models import CatalogPage, CreditEntry, DailySales, Gift, LimitedUnit, Offer, Purchase
from habbo.admin import ReadOnly
from habbo.bus.producer import EventBusUnavailable
from habbo.models import User


class OfferInline(admin.TabularInline):
    model = Offer
    extra = 0
    autocomplete_fields = ["item"]
    readonly_fields = ["limited_sold"]


@admin.register(CatalogPage)
class CatalogPageAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "visible", "description"]
    list_editable = ["position", "visible"]
    search_fields = ["name"]
    inlines = [OfferInline]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["item", "page", "price", "amount", "active", "limited_stock", "limited_sold", "per_player_limit"]
    list_filter = ["active", "page"]
    list_editable = ["active"]
    search_fields = ["item__name", "page__name"]
    autocomplete_fields = ["item"]
    readonly_fields = ["limited_sold"]


class GrantForm(forms.Form):
    player = forms.ModelChoiceField(User.objects.filter(is_active=True).order_by("username"), to_field_name="username",
                                    widget=forms.TextInput, help_text="The player's name.")
    amount = forms.IntegerField(min_value=1, max_value=MAX_GRANT)
    note = forms.CharField(max_length=200, required=False, help_text="Why; the player sees it.")


@admin.register(CreditEntry)
class CreditEntryAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["at", "user", "amount", "reason", "balance_after", "note", "op_id"]
    list_filter = ["reason", "at"]
    search_fields = ["user__username", "=op_id"]
    list_select_related = ["user"]
    date_hierarchy = "at"
    change_list_template = "admin/economy/creditentry/change_list.html"

    def get_urls(self):
        return [path("grant/", self.admin_site.admin_view(self.grant_view), name="economy_grant")] + super().get_urls()

    def grant_view(self, request):
        """A staff grant is an event like any credit change: published here, applied by the economy consumer."""
        form = GrantForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            player = form.cleaned_data["player"]
            try:
                services.credits_grant(
                    staff=request.user, user_id=player.pk, amount=form.cleaned_data["amount"], note=form.cleaned_data["note"]
                )
            except EventBusUnavailable:
                messages.error(request, "The hotel could not take the grant right now; nothing was granted. Try again.")
            else:
                messages.success(request, f"{form.cleaned_data['amount']} credits for {player.username} sent; "
                                          "their balance changes as soon as it is applied.")
                return redirect("admin:economy_creditentry_changelist")
        context = {**self.admin_site.each_context(request), "title": "Grant credits", "form": form, "opts": self.model._meta}
        return TemplateResponse(request, "admin/economy/grant.html", context)


@admin.register(Purchase)
class PurchaseAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["at", "buyer", "offer", "quantity", "total", "recipient", "status", "reason"]
    list_filter = ["status", "reason", "at"]
    search_fields = ["buyer__username", "=key"]
    list_select_related = ["buyer", "offer__item", "recipient"]
    date_hierarchy = "at"


@admin.register(LimitedUnit)
class LimitedUnitAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["offer", "number", "furni", "purchase"]
    list_filter = ["offer"]
    search_fields = ["offer__item__name", "furni__owner__username"]


@admin.register(Gift)
class GiftAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["at", "sender", "recipient", "note", "opened_at"]
    search_fields = ["sender__username", "recipient__username"]


@admin.register(DailySales)
class DailySalesAdmin(ReadOnly, admin.ModelAdmin):
    """Best sellers: per day, the offers that brought in the most credits first."""

    list_display = ["day", "offer", "purchases", "pieces", "credits"]
    list_filter = ["day"]
    search_fields = ["offer__item__name"]
    date_hierarchy = "day"
    ordering = ["-day", "-credits"]
    list_select_related = ["offer__item"]
