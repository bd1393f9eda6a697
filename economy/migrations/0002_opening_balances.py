"""Credits held before the ledger existed become each player's first ledger
row, so every balance equals the sum of its rows from the start."""

from django.db import migrations


def open_ledger(apps, schema_editor):
    User = apps.get_model("habbo", "User")
    CreditEntry = apps.get_model("economy", "CreditEntry")
    CreditEntry.objects.bulk_create(
        CreditEntry(op_id=f"opening:{pk}", user_id=pk, amount=credits, reason="opening", balance_after=credits)
        for pk, credits in User.objects.filter(credits__gt=0).values_list("pk", "credits").iterator()
    )


class Migration(migrations.Migration):
    dependencies = [("economy", "0001_initial"), ("habbo", "0005_credits_through_the_ledger")]

    operations = [migrations.RunPython(open_ledger, migrations.RunPython.noop)]
