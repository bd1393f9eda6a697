"""Draws the benchmark results as PNGs in bench/results/plots/ (bench/README.md, "Plots").

rooms-headline.png  p99 (and p50) per 5 s window over the run, one line per bench/results/rooms-*.json
rooms-sweep.png     the same, one panel per bench/results/sweep/*.json
<peers file>.png    from each bench/results/peers*.json: p99 against players and against
                    walk deliveries a second, the hotel and each peer a line

Whatever result files exist are drawn, so a rerun refreshes the pictures; a
file without the keys a chart needs is skipped with a message.

    bench/run plots
"""

import json
import math
import sys
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: files only
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
OUT = RESULTS / "plots"
TARGET_MS = 100  # the line drawn on every latency chart: the "p99 < 100 ms"
WINDOW_S = 5
ROOMS_KEYS = ("scenario", "p99_ms", "lost", "windows")
PEERS_KEYS = ("what", "date", "room_size", "walk_interval_s", "systems")
PEERS_ROW_KEYS = ("players", "p99_ms", "msgs_per_s", "lost")


def load(path: Path, keys: tuple[str, ...]) -> dict | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        print(f"skipped {path.relative_to(RESULTS)}: {exc}", file=sys.stderr)
        return None
    missing = [key for key in keys if data.get(key) in (None, "", [])] if isinstance(data, dict) else ["object"]
    if missing:
        print(f"skipped {path.relative_to(RESULTS)}: no {', '.join(missing)}", file=sys.stderr)
        return None
    return data


def latency_axis(ax, label="ms (log scale)"):
    """Log scale (the runs span 2 ms to seconds), plain numbers on the ticks, the 100 ms line."""
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.axhline(TARGET_MS, color="grey", linestyle="--", linewidth=1)
    ax.set_ylabel(label)
    ax.grid(True, which="major", alpha=0.3)


def window_series(run: dict, key: str) -> tuple[list[float], list[float]]:
    """A window's value drawn at its middle; a window without the value (no walks) is left out."""
    points = [(w["from_s"] + WINDOW_S / 2, w[key]) for w in run["windows"] if w.get(key) is not None]
    return [x for x, _ in points], [y for _, y in points]


def rooms_headline(runs: list[tuple[Path, dict]]):
    fig, ax = plt.subplots(figsize=(10, 5.5 + 0.25 * len(runs)), layout="constrained")  # room for the legend
    for path, run in runs:
        (line,) = ax.plot(*window_series(run, "p99_ms"), marker="o", markersize=4,
                          label=f"{run['scenario']} (p99 {run['p99_ms']:g} ms, lost {run['lost']:,})")
        ax.plot(*window_series(run, "p50_ms"), color=line.get_color(), linestyle=":", linewidth=1.2)
    latency_axis(ax)
    ax.set_xlabel(f"seconds into the measured run ({WINDOW_S} s windows)")
    ax.set_title(f"Live rooms: walk latency per {WINDOW_S} s window, p99 solid, p50 dotted (dashed: {TARGET_MS} ms)")
    fig.legend(loc="outside lower center", fontsize=8.5, ncols=1, frameon=False)
    save(fig, "rooms-headline.png")


def rooms_sweep(runs: list[tuple[Path, dict]]):
    cols = 3
    rows = math.ceil(len(runs) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(13, 3 * rows + 1), sharey=True, squeeze=False,
                             layout="constrained")
    for ax, (path, run) in zip(axes.flat, runs):
        ax.plot(*window_series(run, "p99_ms"), marker="o", markersize=3, label="p99")
        ax.plot(*window_series(run, "p50_ms"), marker="o", markersize=3, label="p50")
        latency_axis(ax, label="ms" if ax.get_subplotspec().is_first_col() else "")
        ax.set_title("\n".join(textwrap.wrap(run["scenario"], 60))
                     + f"\np99 {run['p99_ms']:g} ms, lost {run['lost']:,} ({path.stem})", fontsize=8.5)
        ax.set_xlabel("s into the run", fontsize=8)
    for ax in axes.flat[len(runs):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.suptitle(f"Live rooms, the sweeps: p99 and p50 per {WINDOW_S} s window (dashed: {TARGET_MS} ms)")
    fig.legend(handles, labels, loc="outside upper right", ncols=2, frameon=False)
    save(fig, "rooms-sweep.png")


def peers_chart(path: Path, result: dict):
    measured = {entry.get("system"): rows for entry in result["systems"]
                if (rows := [row for row in entry.get("loads", [])
                             if all(row.get(key) is not None for key in PEERS_ROW_KEYS)])}
    if not measured:
        print(f"skipped {path.name}: no measured loads", file=sys.stderr)
        return
    fig, (by_players, by_rate) = plt.subplots(1, 2, figsize=(13, 5.5), sharey=True, layout="constrained")
    for entry in result["systems"]:
        if not (rows := measured.get(entry.get("system"))):
            print(f"skipped {entry.get('system')} in {path.name}: no measured loads", file=sys.stderr)
            continue
        servers = rows[0].get("servers")
        label = entry.get("system", "?") + (f" ({servers} process{'es' if servers != 1 else ''})" if servers else "")
        if entry.get("gave_up"):
            label += f"; not run above {entry['gave_up']['after_players']:,} players"
        for ax, x in ((by_players, "players"), (by_rate, "msgs_per_s")):
            (line,) = ax.plot([r[x] for r in rows], [r["p99_ms"] for r in rows], marker="o", label=label)
            # A load that lost deliveries: its p99 is of what arrived, so mark it.
            for row in rows:
                if row["lost"]:
                    ax.plot(row[x], row["p99_ms"], marker="X", markersize=11, color=line.get_color())
                    ax.annotate(f"lost {row['lost']:,}", (row[x], row["p99_ms"]), textcoords="offset points",
                                xytext=(8, -4), fontsize=8, color=line.get_color(),
                                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    latency_axis(by_players, label="p99 ms (log scale)")
    for ax in (by_players, by_rate):
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.grid(True, alpha=0.3)
    by_rate.axhline(TARGET_MS, color="grey", linestyle="--", linewidth=1)
    by_players.set_xlabel(f"players (rooms of {result['room_size']}, walking every {result['walk_interval_s']:g} s)")
    by_rate.set_xlabel("walk deliveries per second")
    by_players.set_title("p99 against players")
    by_rate.set_title("p99 against deliveries per second")
    handles, labels = by_players.get_legend_handles_labels()
    fig.suptitle(f"{result['what']} ({path.stem}, {result['date']}; "
                 f"dashed: {TARGET_MS} ms)", fontsize=10.5)
    fig.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False)
    save(fig, f"{path.stem}.png")


def save(fig, name: str):
    fig.savefig(OUT / name, dpi=100)
    plt.close(fig)
    print(f"wrote {(OUT / name).relative_to(RESULTS.parent.parent)}")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for pattern, draw in (("rooms-*.json", rooms_headline), ("sweep/*.json", rooms_sweep)):
        if runs := [(path, run) for path in sorted(RESULTS.glob(pattern)) if (run := load(path, ROOMS_KEYS))]:
            draw(runs)
    for path in sorted(RESULTS.glob("peers*.json")):
        if result := load(path, PEERS_KEYS):
            peers_chart(path, result)


if __name__ == "__main__":
    main()
