from django.urls import path

from habbo.consumers import HotelConsumer
from habbo.metrics import sockets_open
from rooms.consumers import RoomConsumer

websocket_urlpatterns = [
    path("ws/hotel/", sockets_open("hotel", HotelConsumer.as_asgi())),
    path("ws/rooms/<uuid:room_id>/", sockets_open("room", RoomConsumer.as_asgi())),
]
