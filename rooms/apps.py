from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "rooms"

    def ready(self):
        # New looks are shown in the player's room: told by the core through its signal.
        from habbo.looks import looks_changed
        from rooms.appearance import show_new_looks

        looks_changed.connect(show_new_looks)
        # A room saved or deleted: what the processes keep of it goes (rooms.presence).
        from django.db.models.signals import post_delete, post_save

        from rooms.models import Room
        from rooms.presence import room_saved

        post_save.connect(room_saved, sender=Room)
        post_delete.connect(room_saved, sender=Room)
