from django.apps import AppConfig


class FriendsConfig(AppConfig):
    name = "friends"

    def ready(self):
        # Friends see where a player is: told by the sockets through the core's signal.
        from friends.presence import announce
        from habbo.presence import presence_changed

        presence_changed.connect(announce)
