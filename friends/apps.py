from django.apps import AppConfig


class FriendsConfig(AppConfig):
    name = "friends"

    def ready(self):
        # Friends see where a player is: told by the sockets through the core's signal.
        from friends.presence import announce
        from habbo.presence import presence_changed

        presence_changed.connect(announce)
        # Who is whose friend is kept in Redis (friends.friend_cache): a
        # friendship saved or deleted one row at a time, or a new player, replaces it.
        # A login makes the copy, so the first entry after it reads none.
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save, pre_save

        from friends.friend_cache import friendship_saved, friendship_saving, logged_in, player_created
        from friends.models import Friendship
        from habbo.models import User

        pre_save.connect(friendship_saving, sender=Friendship)
        post_save.connect(friendship_saved, sender=Friendship)
        post_delete.connect(friendship_saved, sender=Friendship)
        post_save.connect(player_created, sender=User)
        user_logged_in.connect(logged_in)
