"""Enrol a staff member's second factor: a TOTP device for their
authenticator app, which the admin login then asks for.

    manage.py staff_otp USERNAME [--replace]

Prints the otpauth:// URI (most apps take it as a QR code or pasted) and
the secret for typing in by hand. Give them to the staff member only.
"""

from base64 import b32encode

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from habbo.models import User


class Command(BaseCommand):
    help = "Create a staff member's TOTP device and print its otpauth:// URI."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--replace", action="store_true", help="replace their device (the old one stops working)")

    @transaction.atomic
    def handle(self, username, replace, **options):
        user = User.objects.filter(username=username).first()
        if user is None or not user.is_staff:
            raise CommandError(f"{username!r} is not a staff account")
        devices = TOTPDevice.objects.filter(user=user)
        if devices.exists() and not replace:
            raise CommandError(f"{username!r} already has a TOTP device; --replace issues a new one")
        devices.delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        self.stdout.write(device.config_url)
        self.stdout.write(f"secret (to type in by hand): {b32encode(device.bin_key).decode()}")
