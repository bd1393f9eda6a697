from django.urls import path

from habbo.consumers import HotelConsumer
from rooms.consumers import RoomConsumer

websocket_urlpatterns = [
    path("ws/hotel/", HotelConsumer.as_asgi()),
    path("ws/rooms/<uuid:room_id>/", RoomConsumer.as_asgi()),
]
