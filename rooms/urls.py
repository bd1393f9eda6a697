from django.urls import path

from rooms import views

urlpatterns = [
    path("", views.navigator, name="navigator"),
    path("rooms/", views.navigator_rooms, name="navigator_rooms"),
    path("rooms/new", views.room_create, name="room_create"),
    path("rooms/<uuid:room_id>/", views.room_detail, name="room"),
    path("rooms/<uuid:room_id>/info/", views.room_info, name="room_info"),
    path("rooms/<uuid:room_id>/settings/", views.room_settings, name="room_settings"),
    path("rooms/<uuid:room_id>/furniture/", views.room_furniture, name="room_furniture"),
]
