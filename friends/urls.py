from django.urls import path

from friends import api, views

urlpatterns = [
    path("friends/", views.friends_page, name="friends"),
    path("friends/request", views.send_request, name="friend_request"),
    path("friends/requests/<int:request_id>/<answer>", views.answer_request, name="friend_answer"),
    path("friends/<int:user_id>/remove", views.remove_friend, name="friend_remove"),
    path("friends/<int:user_id>/messages", views.conversation, name="conversation"),
    # The friends and messenger windows
    path("friends/api/", api.overview, name="friends-api"),
    path("friends/api/search", api.search, name="friends-api-search"),
    path("friends/api/rooms", api.rooms_with_friends, name="friends-api-rooms"),
    path("friends/api/request", api.send_request, name="friends-api-request"),
    path("friends/api/requests/<int:request_id>/<str:answer>", api.answer_request, name="friends-api-answer"),
    path("friends/api/<int:user_id>/remove", api.remove, name="friends-api-remove"),
    path("friends/api/<int:user_id>/messages", api.conversation, name="friends-api-conversation"),
]
