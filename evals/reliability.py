"""The reliability diagram: success rate against confidence, bin by bin, beside the diagonal."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen: render straight to a file

import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first

from evals.metrics import reliability_bins  # noqa: E402


def draw_reliability(pairs: list[tuple[float, bool]], path: Path, *, title: str) -> None:
    """Write a PNG of success rate per confidence bin, with each bin's count above its bar."""
    rows = reliability_bins(pairs)
    figure, axes = plt.subplots(figsize=(6, 6), dpi=100)

    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    filled = [row for row in rows if row["count"]]
    axes.bar(
        [row["low"] + 0.05 for row in filled],
        [row["success_rate"] for row in filled],
        width=0.09,
        alpha=0.7,
        label="success rate",
    )
    axes.scatter(
        [row["mean_confidence"] for row in filled],
        [row["success_rate"] for row in filled],
        color="black",
        zorder=3,
        label="mean confidence",
    )
    for row in filled:
        axes.annotate(str(row["count"]), (row["low"] + 0.05, min(row["success_rate"] + 0.02, 0.98)), ha="center")

    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_xlabel("confidence")
    axes.set_ylabel("share of suggestions that succeeded")
    axes.set_title(title)
    axes.legend(loc="upper left")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
