from django.apps import AppConfig


class HabboConfig(AppConfig):
    name = "habbo"
    verbose_name = "Hotel"

    def ready(self):
        # Declaring an event or a notice class registers it, and each app
        # registers its consumers in its handlers module: load every app's.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("events", "pushes", "handlers")
        # A word saved or deleted (in the admin) tells every process's word filter.
        from habbo import wordfilter  # noqa: F401
