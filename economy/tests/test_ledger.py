"""The ledger's arithmetic (a unit test of economy.ledger on the test database)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from economy.ledger import BalanceTooHigh, NotEnoughCredits, Wallets
from economy.models import MAX_BALANCE, CreditEntry
from habbo.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_account_starts_with_its_sign_up_grant_as_the_first_row(make_player):
    alice = make_player("alice")
    assert User.objects.get(pk=alice.pk).credits == 100
    assert list(CreditEntry.objects.values_list("op_id", "amount", "balance_after")) == [(f"signup:{alice.pk}", 100, 100)]


def test_a_balance_never_drops_below_zero_nor_passes_the_maximum(make_player):
    alice = make_player("alice")
    now = timezone.now()
    with transaction.atomic():
        wallets = Wallets([alice.pk])
        with pytest.raises(NotEnoughCredits):
            wallets.change(alice.pk, -101, op_id="a", reason="purchase", at=now)
        with pytest.raises(BalanceTooHigh):
            wallets.change(alice.pk, MAX_BALANCE, op_id="b", reason="staff", at=now)
        assert wallets.change(alice.pk, -100, op_id="c", reason="purchase", at=now) == 0
        wallets.save()
    assert User.objects.get(pk=alice.pk).credits == 0
    call_command("economy_audit", verbosity=0)


def test_one_row_per_operation(make_player):
    alice = make_player("alice")
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditEntry.objects.create(op_id=f"signup:{alice.pk}", user=alice, amount=100, reason="signup", balance_after=200)


def test_the_audit_finds_a_balance_edited_behind_the_ledger(make_player):
    alice = make_player("alice")
    User.objects.filter(pk=alice.pk).update(credits=1000)
    with pytest.raises(CommandError, match="1 mismatches"):
        call_command("economy_audit", verbosity=0)
