"""Figures for reports, drawn with matplotlib (Agg backend: no display, no network):
a heatmap of themes x groups, theme prevalence, and the saturation curve."""

from __future__ import annotations

import io
import textwrap
from typing import Callable

from ..analysis.matrix import Matrix
from ..analysis.saturation import Saturation

KINDS = ("heatmap", "prevalence", "saturation")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only: never a window, whatever the environment says
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "svg.hashsalt": "qualcode", "svg.fonttype": "none"})
    return plt


def _save(fig, fmt: str) -> bytes:
    buffer = io.BytesIO()
    # No timestamps or tool versions in the file, so the same data gives the same bytes.
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}.get(fmt, {"Software": None})
    fig.savefig(buffer, format=fmt, bbox_inches="tight", dpi=150, metadata=metadata)
    _pyplot().close(fig)
    return buffer.getvalue()


def _wrap(text: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def heatmap(m: Matrix, fmt: str = "png", scrub: Callable[[str], str] = lambda t: t) -> bytes:
    plt = _pyplot()
    rows = [i for i, row in enumerate(m.cells) if any(row)] or list(range(len(m.cells)))
    data = [m.cells[i] for i in rows]
    fig, ax = plt.subplots(figsize=(1.2 + 1.1 * max(1, len(m.col_labels)), 0.9 + 0.32 * max(1, len(rows))))
    image = ax.imshow(data or [[0]], cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(len(m.col_labels)), [_wrap(scrub(c), 14) for c in m.col_labels])
    ax.set_yticks(range(len(rows)), [scrub(m.row_labels[i]) for i in rows])
    top = max((v for row in data for v in row), default=0)
    for y, row in enumerate(data):
        for x, v in enumerate(row):
            ax.text(x, y, f"{v:g}", ha="center", va="center", color="white" if top and v > top * 0.6 else "#1d2733")
    ax.set_title(f"Themes by stakeholder group ({'%' if m.percent else m.count})")
    fig.colorbar(image, ax=ax, shrink=0.6)
    return _save(fig, fmt)


def prevalence(m: Matrix, fmt: str = "png", scrub: Callable[[str], str] = lambda t: t) -> bytes:
    """Themes by how widely they were voiced: stacked bars, one colour per group."""
    plt = _pyplot()
    totals = [sum(row) for row in m.cells]
    order = [i for i in sorted(range(len(totals)), key=lambda i: (totals[i], -i)) if totals[i]] or list(range(len(totals)))
    fig, ax = plt.subplots(figsize=(8, 0.9 + 0.3 * max(1, len(order))))
    left = [0.0] * len(order)
    for j, label in enumerate(m.col_labels):
        values = [m.cells[i][j] for i in order]
        ax.barh(range(len(order)), values, left=left, label=_wrap(scrub(label), 30))
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(range(len(order)), [scrub(m.row_labels[i]) for i in order])
    ax.set_xlabel(m.count)
    ax.set_title("Theme prevalence by stakeholder group")
    ax.legend(fontsize=7, loc="lower right")
    return _save(fig, fmt)


def saturation_curve(sat: Saturation, fmt: str = "png", scrub: Callable[[str], str] = lambda t: t) -> bytes:
    plt = _pyplot()
    xs = [s.position for s in sat.steps]
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.bar(xs, [len(s.new) for s in sat.steps], color="#9db4d9", label="new themes")
    ax.plot(xs, [s.cumulative for s in sat.steps], color="#305496", marker="o", label="themes so far")
    ax.set_xticks(xs, [scrub(s.transcript_id) for s in sat.steps], rotation=45, ha="right")
    ax.set_ylabel("themes")
    ax.set_title(f"New themes after each interview ({sat.order} order)")
    ax.legend()
    return _save(fig, fmt)


def figure(kind: str, data: Matrix | Saturation, fmt: str = "png", scrub: Callable[[str], str] = lambda t: t,
           cache_dir=None) -> bytes:
    """The figure `kind` (one of KINDS) of this data, drawn or, with `cache_dir`, read from the
    project's cache when exactly this figure was drawn before: importing and running matplotlib
    costs about a second, and a report is re-run far more often than its numbers change. The
    key covers the data and its labels as shown (scrubbed), the format, matplotlib's version and
    this module's own code, so a change to any of them draws afresh; the files are the same
    bytes either way (figures carry no timestamps)."""
    draw = {"heatmap": heatmap, "prevalence": prevalence, "saturation": saturation_curve}[kind]
    if cache_dir is None:
        return draw(data, fmt, scrub)
    from pathlib import Path

    from ..cache import digest, ensure_cache_dir, package_version
    from ..storage import atomic_write_bytes

    key = digest(kind, fmt, scrub(repr(data)), package_version("matplotlib"), Path(__file__).read_bytes())
    path = cache_dir / "figures" / f"{key}.{fmt}"
    try:
        return path.read_bytes()
    except OSError:
        pass
    out = draw(data, fmt, scrub)
    ensure_cache_dir(cache_dir)
    path.parent.mkdir(exist_ok=True)
    atomic_write_bytes(path, out, durable=False)
    _prune(path.parent)
    return out


KEEP_FIGURES = 200  # figures kept in the cache, the most recent: a report's few, many times over


def _prune(folder) -> None:
    """Keep the cache bounded, as cache.Pack keeps its entries: the oldest figures go first."""
    dated = []
    for p in folder.glob("[0-9a-f]*.*"):  # figures only, never another process's .tmp file
        try:
            dated.append((p.stat().st_mtime, p))
        except OSError:  # pruned by another process meanwhile
            pass
    for _, old in sorted(dated)[:-KEEP_FIGURES]:
        old.unlink(missing_ok=True)
