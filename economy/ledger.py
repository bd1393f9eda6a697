"""Credits change only here: a ledger row per change, the balance kept with it.

Wallets locks the players a transaction touches (SELECT … FOR UPDATE, in id
order, so two transactions never wait on each other in a circle) and checks
each change: a balance never drops below 0 nor passes MAX_BALANCE.
"""

from datetime import datetime

from django.db import connection
from django.utils import timezone

from economy.models import MAX_BALANCE, CreditEntry
from habbo.models import User


class NotEnoughCredits(Exception):
    pass


class BalanceTooHigh(Exception):
    pass


class Wallets:
    def __init__(self, user_ids):
        self.balances: dict[int, int] = dict(
            User.objects.select_for_update().filter(pk__in=sorted(set(user_ids))).order_by("pk").values_list("pk", "credits")
        )
        self.entries: list[CreditEntry] = []

    def __contains__(self, user_id: int) -> bool:
        return user_id in self.balances

    def balance(self, user_id: int) -> int:
        return self.balances[user_id]

    def check(self, user_id: int, amount: int) -> int:
        """The balance after `amount`, or NotEnoughCredits / BalanceTooHigh."""
        after = self.balances[user_id] + amount
        if after < 0:
            raise NotEnoughCredits
        if after > MAX_BALANCE:
            raise BalanceTooHigh
        return after

    def change(self, user_id: int, amount: int, *, op_id: str, reason: str, note: str = "", at: datetime) -> int:
        if not amount:
            raise ValueError("a ledger row changes the balance")
        after = self.check(user_id, amount)
        self.balances[user_id] = after
        self.entries.append(
            CreditEntry(op_id=op_id, user_id=user_id, amount=amount, reason=reason, balance_after=after, note=note, at=at)
        )
        return after

    def save(self) -> None:
        if not self.entries:
            return
        CreditEntry.objects.bulk_create(self.entries)
        changed = {entry.user_id for entry in self.entries}
        # One UPDATE joined to the new balances (a CASE of hundreds of WHENs cost more than the inserts).
        quote = connection.ops.quote_name
        table = quote(User._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH v(id, credits) AS (VALUES {', '.join(['(%s, %s)'] * len(changed))}) "
                f"UPDATE {table} SET {quote('credits')} = v.credits FROM v WHERE {table}.{quote('id')} = v.id",
                [value for uid in changed for value in (uid, self.balances[uid])],
            )
        self.entries = []


def grant_now(user_id: int, amount: int, *, op_id: str, reason: str) -> int | None:
    """Credit a player in the caller's transaction (the sign-up grant, made
    with the account); None if that operation was already recorded."""
    if CreditEntry.objects.filter(op_id=op_id).exists():
        return None
    wallets = Wallets([user_id])
    after = wallets.change(user_id, amount, op_id=op_id, reason=reason, at=timezone.now())
    wallets.save()
    return after
