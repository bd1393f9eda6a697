from django.urls import path

from economy import views

urlpatterns = [
    path("economy/catalog/", views.catalog, name="economy-catalog"),
    path("economy/inventory/", views.inventory, name="economy-inventory"),
    path("economy/wallet/", views.wallet, name="economy-wallet"),
    path("economy/purchase/", views.purchase, name="economy-purchase"),
    path("economy/gifts/<int:gift_id>/open/", views.gift_open, name="economy-gift-open"),
]
