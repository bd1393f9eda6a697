from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "rooms"

    def ready(self):
        # New looks are shown in the player's room: told by the core through its signal.
        from habbo.looks import looks_changed
        from rooms.appearance import show_new_looks

        looks_changed.connect(show_new_looks)
