from django.urls import path

from moderation import views

urlpatterns = [
    path("moderation/players/<int:user_id>/", views.player_card, name="moderation-player"),
    path("moderation/players/<int:user_id>/sanctions", views.sanction, name="moderation-sanction"),
    path("moderation/players/<int:user_id>/lift", views.lift, name="moderation-lift"),
    path("moderation/rooms/<uuid:room_id>/actions", views.room_action, name="moderation-room-action"),
    path("moderation/alerts", views.alerts, name="moderation-alerts"),
    path("moderation/alerts/<uuid:alert_id>/seen", views.alert_seen, name="moderation-alert-seen"),
    path("help/reports", views.report, name="help-report"),
]
