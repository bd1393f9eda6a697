"""Moderators see every model in the admin, with lists, filters and search."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

HOTEL_MODELS = [m for app in ("habbo", "rooms", "friends", "chat", "economy", "moderation") for m in apps.get_app_config(app).get_models()]


@pytest.fixture
def staff_client(client, admin_user):
    """A moderator in through the admin's door: password, then a TOTP token."""
    device = TOTPDevice.objects.create(user=admin_user, name="authenticator")
    credentials = {"username": admin_user.username, "password": "password"}
    otp = {"otp_device": device.persistent_id, "otp_token": f"{TOTP(device.bin_key).token():06d}"}
    assert client.post(reverse("admin:login"), credentials | otp).status_code == 302
    return client


@pytest.mark.parametrize("model", HOTEL_MODELS, ids=lambda m: m._meta.label)
def test_every_model_has_a_searchable_filtered_list(staff_client, model):
    model_admin = admin.site._registry.get(model)
    assert model_admin is not None, f"{model._meta.label} is not in the admin"
    assert model_admin.search_fields and model_admin.list_display != ("__str__",)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert staff_client.get(url, {"q": "x"}).status_code == 200
