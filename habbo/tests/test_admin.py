"""Moderators see every model in the admin, with lists, filters and search."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from conftest import admin_logged_in

pytestmark = pytest.mark.django_db

HOTEL_MODELS = [m for app in ("habbo", "rooms", "friends", "chat", "economy", "moderation") for m in apps.get_app_config(app).get_models()]


@pytest.fixture
def staff_client(admin_user):
    """An administrator in through the admin's door: password, then a TOTP token."""
    return admin_logged_in(admin_user, password="password")


@pytest.mark.parametrize("model", HOTEL_MODELS, ids=lambda m: m._meta.label)
def test_every_model_has_a_searchable_filtered_list(staff_client, model):
    model_admin = admin.site._registry.get(model)
    assert model_admin is not None, f"{model._meta.label} is not in the admin"
    assert model_admin.search_fields and model_admin.list_display != ("__str__",)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert staff_client.get(url, {"q": "x"}).status_code == 200
