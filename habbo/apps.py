from django.apps import AppConfig


class HabboConfig(AppConfig):
    name = "habbo"
    verbose_name = "Hotel"

    def ready(self):
        # Declaring an event or a notice class registers it, and each app
        # registers its consumers in its handlers module: load every app's.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("events", "pushes", "handlers")
