"""Run one registered Kafka consumer (or, with --all, every one in threads)."""

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from habbo import metrics
from habbo.bus.consumer import ConsumerLoop
from habbo.bus.registry import CONSUMERS

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Apply durable events from Kafka: `kafka_consume NAME`, `--all`, or `--list`."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="a registered consumer; see --list")
        parser.add_argument("--all", dest="run_all", action="store_true", help="run every registered consumer (local play)")
        parser.add_argument("--list", dest="list_only", action="store_true", help="list the registered consumers")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--metrics-port", type=int, default=settings.CONSUMER_METRICS_PORT,
                            help="serve Prometheus metrics on 127.0.0.1:PORT (default: CONSUMER_METRICS_PORT)")

    def handle(self, *args, name, run_all, list_only, batch_size, **options):
        if list_only:
            for spec in CONSUMERS.values():
                rebuildable = " [rebuildable]" if spec.rebuild else ""
                self.stdout.write(
                    f"{spec.name:<16} {spec.topic.full_name:<32} group={spec.group}  {spec.description}{rebuildable}"
                )
            return
        if run_all == bool(name):
            raise CommandError("give one consumer NAME or --all (see --list)")
        if name and name not in CONSUMERS:
            raise CommandError(f"no consumer {name!r}; registered: {', '.join(CONSUMERS)}")

        # A consumer lives long: its DB connections live as long as it does and
        # are replaced only when broken (no pool: one thread, one connection).
        # Renewed every so often, each new login stalled the batches behind it.
        for alias in connections:
            db = connections[alias].settings_dict
            db["CONN_MAX_AGE"] = None
            db["OPTIONS"].pop("pool", None)
            if connections[alias].vendor == "postgresql":
                # A consumer sends the same statements thousands of times: values bound
                # on the server spare psycopg quoting each one (a fifth of the economy
                # consumer's time: bench/README.md).
                db["OPTIONS"]["server_side_binding"] = True
        stop = threading.Event()
        # SIGTERM/SIGINT: the loops finish their batch, commit and close.
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        loops = [ConsumerLoop(CONSUMERS[n], stop=stop, batch_size=batch_size) for n in ([name] if name else CONSUMERS)]
        if options["metrics_port"]:
            metrics.serve_consumer_metrics(options["metrics_port"], [loop.spec.name for loop in loops])
        if len(loops) == 1:
            self._run(loops[0])
            return
        failures: dict[str, BaseException] = {}

        def run(loop: ConsumerLoop) -> None:
            try:
                self._run(loop)
            except BaseException as exc:
                # Stop them all and exit non-zero, so the process runner sees it.
                failures[loop.spec.name] = exc
                stop.set()

        threads = [threading.Thread(target=run, args=(loop,), name=loop.spec.name) for loop in loops]
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            for thread in threads:
                thread.join(0.5)
        if failures:
            raise CommandError("; ".join(f"{n}: {e}" for n, e in failures.items()))

    def _run(self, loop: ConsumerLoop) -> None:
        try:
            loop.run()
        except Exception as exc:
            log.exception("consumer %s failed", loop.spec.name)
            raise CommandError(f"consumer {loop.spec.name} failed: {exc}") from exc
