from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The benchmark dataset command (`manage.py seed_benchmark`); nothing imports this app."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
