from django.urls import path

from habbo.consumers import HotelConsumer

websocket_urlpatterns = [path("ws/hotel/", HotelConsumer.as_asgi())]
