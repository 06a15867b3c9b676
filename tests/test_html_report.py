"""The HTML report: self-contained, and right in a real headless browser (Debian's chromium,
installed by .ci/run; skipped with the reason where it cannot be)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import run

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_report_is_one_self_contained_file(example, tmp_path):
    out = tmp_path / "report.html"
    assert run("summary", "--out", out, project=example).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing fetched from anywhere
    assert "<link" not in page and '<script src' not in page
    assert page.count("<blockquote>") >= 25 and 'id="heatmap"' in page and 'id="filter"' in page
    assert "Key themes: Crown Prosecution Service" in page


@pytest.mark.skipif(BROWSER is None, reason="no chromium here (.ci/run installs Debian's chromium package)")
def test_heatmap_quotes_and_filter_work_in_a_browser(example, tmp_path):
    out = tmp_path / "report.html"
    assert run("summary", "--out", out, project=example).exit_code == 0
    dom = subprocess.run([BROWSER, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000",
                          "--dump-dom", out.as_uri() + "#filter=court"],
                         capture_output=True, text=True, timeout=120).stdout
    assert 'id="heatmap"' in dom and "rgba(48,84,150," in dom  # the heatmap's shaded cells
    rows = re.findall(r'<tr data-filter="([^"]*)"( hidden="")?', dom)
    shown = [text for text, hidden in rows if not hidden]
    hidden = [text for text, hidden in rows if hidden]
    assert shown and hidden, "the filter hid nothing or everything"
    assert all("court" in text for text in shown) and not any("court" in text for text in hidden)
    assert re.search(r'<span id="shown"[^>]*>\d+ matching</span>', dom)
    # An unfiltered page shows every theme and its quotes.
    full = subprocess.run([BROWSER, *FLAGS, f"--user-data-dir={tmp_path / 'profile2'}", "--virtual-time-budget=3000",
                           "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert "hidden=" not in full.split('id="themes"')[1].split("</table>")[0]
    assert full.count("<blockquote>") >= 25


def test_plots_are_files_and_reproducible(example, tmp_path):
    for kind in ("heatmap", "prevalence", "saturation"):
        r = run("plot", kind, "--out", tmp_path / f"{kind}.png", project=example)
        assert r.exit_code == 0, r.output
        assert (tmp_path / f"{kind}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    run("plot", "heatmap", "--out", tmp_path / "a.svg", project=example)
    run("plot", "heatmap", "--out", tmp_path / "b.svg", project=example)
    svg = (tmp_path / "a.svg").read_bytes()
    assert b"<svg" in svg and b"Reluctance to report breaches" in svg and svg == (tmp_path / "b.svg").read_bytes()
    r = run("plot", "pie", "--out", tmp_path / "x.png", project=example)
    assert r.exit_code == 2 and "unknown figure 'pie'" in r.output
    for name in ("a.pdf", "b.pdf"):  # vector, for LaTeX; no creation date, so the same bytes each time
        assert run("plot", "heatmap", "--out", tmp_path / name, project=example).exit_code == 0
    pdf = (tmp_path / "a.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf == (tmp_path / "b.pdf").read_bytes()
    r = run("plot", "heatmap", "--out", tmp_path / "x.gif", project=example)
    assert r.exit_code == 2 and ".png, .svg or .pdf" in r.output


def test_reports_embed_the_figures(example, tmp_path):
    import docx

    run("summary", "--out", tmp_path / "r.html", project=example)
    page = (tmp_path / "r.html").read_text()
    assert page.count("<figure") == 2 and "<?xml" not in page
    run("summary", "--out", tmp_path / "r.docx", project=example)
    assert len(docx.Document(tmp_path / "r.docx").inline_shapes) == 3  # heatmap, prevalence, saturation
    assert run("matrix", "--count", "segments", "--out", tmp_path / "m.html", project=example).exit_code == 0
    page = (tmp_path / "m.html").read_text()
    assert 'id="heatmap"' in page and "Court procedure" in page and 'id="filter"' in page
