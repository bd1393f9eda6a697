from django.urls import path

from friends import views

urlpatterns = [
    path("friends/", views.friends_page, name="friends"),
    path("friends/request", views.send_request, name="friend_request"),
    path("friends/requests/<int:request_id>/<answer>", views.answer_request, name="friend_answer"),
    path("friends/<int:user_id>/remove", views.remove_friend, name="friend_remove"),
    path("friends/<int:user_id>/messages", views.conversation, name="conversation"),
]
