from django.urls import path

from rooms import views

urlpatterns = [
    path("", views.navigator, name="navigator"),
    path("rooms/new", views.room_create, name="room_create"),
    path("rooms/<uuid:room_id>/", views.room_detail, name="room"),
    path("rooms/<uuid:room_id>/furniture/", views.room_furniture, name="room_furniture"),
]
