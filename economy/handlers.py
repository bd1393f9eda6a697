"""The economy's consumers."""

from economy.purchases import apply_wallet_events
from economy.sales import apply_sales, sales_empty
from habbo.bus.registry import ConsumerSpec, register
from habbo.bus.topics import ITEM_PURCHASES, PURCHASES

register(
    ConsumerSpec(
        name="economy",
        topic=PURCHASES,
        batch_handler=apply_wallet_events,
        batch_types=("purchase.requested", "credits.granted"),
        description="applies purchases and credit grants: the ledger, the pieces, limited numbers; tells the buyer",
    ),
    ConsumerSpec(
        name="sales",
        topic=ITEM_PURCHASES,
        batch_handler=apply_sales,
        batch_types=("item.purchased",),
        description="counts sales per offer per day (the admin's best sellers)",
        rebuild=sales_empty,
    ),
)
