"""habbo.gc_tuning in a process of its own, as a web process runs it (it
freezes that process's heap and starts a timer on its reactor)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WEB_PROCESS = """
import gc
from twisted.internet import asyncioreactor
asyncioreactor.install()
from twisted.internet import reactor
from habbo import gc_tuning
gc_tuning.YOUNG_EVERY_S = 0.05
gc_tuning.tune()
young = gc.get_stats()[1]["collections"]
reactor.callLater(1.0, reactor.stop)
reactor.run()
print(gc.get_stats()[1]["collections"] - young, gc.get_freeze_count(), *gc.get_threshold())
"""


def test_the_young_generations_are_collected_on_a_timer_and_the_start_is_frozen():
    done = subprocess.run([sys.executable, "-c", WEB_PROCESS], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    young_collections, frozen, *threshold = (int(n) for n in done.stdout.split())
    # 20 ticks in the second; an idle process collects nothing on its own at these thresholds.
    assert young_collections >= 5
    assert frozen > 1000, "what was loaded at start is out of every collection"
    assert threshold == [20_000, 10, 10]
