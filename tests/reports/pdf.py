"""Reading PDFs back the way a person would check them: poppler's pdftotext, pdfinfo, pdffonts."""
from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

A4_POINTS = (595.28, 841.89)


def _run(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run([tool, *args, handle.name, *(["-"] if tool == "pdftotext" else [])],
                              capture_output=True, text=True, check=True, timeout=60).stdout


def text(pdf: bytes, *, layout: bool = False) -> str:
    """All text, pages separated by form feeds (\\f)."""
    return _run("pdftotext", pdf, "-enc", "UTF-8", *(["-layout"] if layout else []))


def raw_text(pdf: bytes) -> str:
    """All text in drawing order (pdftotext -raw), pages separated by form feeds (\\f):
    WeasyPrint draws in document order, so a paragraph's or a cell's text comes out whole."""
    return _run("pdftotext", pdf, "-enc", "UTF-8", "-raw")


def bbox_layout(pdf: bytes) -> str:
    """pdftotext -bbox-layout: XHTML with every page, block, line and word and its box."""
    return _run("pdftotext", pdf, "-enc", "UTF-8", "-bbox-layout")


def page_texts(pdf: bytes) -> list[str]:
    return text(pdf).split("\f")[:-1]


def squeezed(pdf: bytes) -> str:
    """The text without any whitespace: Chinese lines wrap anywhere, so compare this way."""
    return re.sub(r"\s+", "", text(pdf))


@dataclass
class Info:
    pages: int
    page_size: tuple[float, float]  # points
    title: str


def info(pdf: bytes) -> Info:
    out = _run("pdfinfo", pdf)
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    width, height = re.match(r"\s*([\d.]+) x ([\d.]+)", fields["Page size"]).groups()
    return Info(int(fields["Pages"]), (float(width), float(height)), fields.get("Title", "").strip())


def is_a4(size: tuple[float, float]) -> bool:
    return all(abs(got - want) < 1 for got, want in zip(size, A4_POINTS))


@dataclass
class Font:
    name: str
    type: str
    embedded: bool


def fonts(pdf: bytes) -> list[Font]:
    lines = _run("pdffonts", pdf).splitlines()[2:]
    found = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object ID: emb is the 5th field from the end
        found.append(Font(parts[0], " ".join(parts[1:-6]), parts[-5] == "yes"))
    return found


def write_artifact(name: str, pdf: bytes) -> Path:
    """Keep a rendered PDF in tests/artifacts/ (git-ignored) to look at."""
    path = Path(__file__).parents[1] / "artifacts" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(pdf)
    return path
