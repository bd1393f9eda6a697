"""Every new account starts with the sign-up grant, as its first ledger row,
in the transaction that creates it."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from economy.ledger import grant_now
from economy.models import CreditEntry
from habbo.models import User


@receiver(post_save, sender=User, dispatch_uid="economy-signup-grant")
def signup_grant(sender, instance: User, created: bool, raw: bool = False, **kwargs):
    if created and not raw and settings.SIGNUP_CREDITS:
        with transaction.atomic():
            balance = grant_now(
                instance.pk, settings.SIGNUP_CREDITS, op_id=f"signup:{instance.pk}", reason=CreditEntry.Reason.SIGNUP
            )
        if balance is not None:
            instance.credits = balance
