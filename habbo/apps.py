from django.apps import AppConfig


class HabboConfig(AppConfig):
    name = "habbo"
    verbose_name = "Hotel"

    def ready(self):
        # Declaring an event or a notice class registers it, each app
        # registers its consumers in its handlers module and its figures for
        # the Hotel status page in its status module: load every app's.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("events", "pushes", "handlers", "status")
        # A word saved or deleted (in the admin) tells every process's word filter.
        from habbo import wordfilter  # noqa: F401
        # A player's row saved or deleted: the sockets' copies of it go; a
        # login makes the copy (habbo.socket_user).
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from habbo.models import User
        from habbo.socket_user import logged_in, row_saved

        post_save.connect(row_saved, sender=User)
        post_delete.connect(row_saved, sender=User)
        user_logged_in.connect(logged_in)
