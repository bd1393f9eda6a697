from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from habbo import views
from habbo.forms import LoginForm
from habbo.admin import HotelAdminSite

# The models registered on admin.site stay; its login asks staff for a TOTP token.
admin.site.__class__ = HotelAdminSite

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("profile/looks", views.looks, name="profile-looks"),
    path("", include("economy.urls")),
    path("", include("friends.urls")),
    path("", include("rooms.urls")),
    path("", include("moderation.urls")),
]
