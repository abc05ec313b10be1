"""HTML → PDF with WeasyPrint: the Jinja environment, the shared stylesheet and the fonts.

A pool of ``Renderer`` objects keeps WeasyPrint's font configuration and the parsed stylesheet
between documents (parsing the @font-face rules and loading 20 MB fonts is the cold cost);
a warm render is WeasyPrint's layout and drawing plus subsetting the TrueType fonts prepared by
``reports.fonts``, trimmed by ``reports.tuning``. The 9-page 申报书 of bench/pdf.py, warm, CPU
time on the 2-core VM (other processes sharing it): 282 ms before issue 15's part 6, 259 ms
now (28.8 ms a page): layout ~165 ms (table cells ~0.4 ms each, ~480 lines of text, the page
footers ~10 ms), drawing ~45, boxes ~16, cascade ~12, fonts ~12, parsing 0.5. In a process
that renders one document after another with its collector tuned (``tune_gc_for_rendering``,
as ``grantflow worker``) bench/pdf.py measures 26–27 ms a page. What is left is WeasyPrint's own
work per box and per line — see reports/tuning.py.
"""
from __future__ import annotations

import atexit
import gc
import queue
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from . import filters, fonts, tuning

STATIC = Path(__file__).parent / "static"


def environment() -> Environment:
    env = Environment(loader=PackageLoader("reports", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(filters.FILTERS)
    env.globals["FAMILIES"] = fonts.FAMILY_STACKS
    return env


def font_css(prepared: bool = True) -> str:
    """@font-face rules for the prepared faces that exist (none: the system stack is used) and
    the family stacks: body text serif (宋体-like), headings and labels sans bold (黑体-like)."""
    serif, sans = fonts.FAMILY_STACKS["serif"], fonts.FAMILY_STACKS["sans"]
    rules = [f"html {{ font-family: {serif}; font-weight: 400; }}",
             f"h1, h2, h3, h4, th, strong, b, .sans {{ font-family: {sans}; }}",
             "h1, h2, h3, h4, th, strong, b, .sans { font-weight: 700; }"]
    for face in fonts.FACES if prepared else ():
        try:
            path = fonts.prepared_path(face)
        except fonts.FontsUnavailable:
            continue
        if path.is_file():
            rules.insert(0, f"@font-face {{ font-family: '{face.family}'; "
                            f"font-weight: {face.weight}; src: url('{path.as_uri()}'); }}")
    return "\n".join(rules)


@dataclass
class Rendered:
    pdf: bytes
    pages: int


class Renderer:
    """Renders the templates of ``reports/templates`` to PDF bytes."""

    def __init__(self, prepared_fonts: bool = True, tuned: bool = True):
        """``prepared_fonts=False``: the system Noto CJK faces only; ``tuned=False``: none of
        reports/tuning.py — plain WeasyPrint (the benchmark's baseline, the tuning's tests)."""
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration
        self.env = environment()
        self.font_config = FontConfiguration()
        self.fast_fonts = prepared_fonts and fonts.ready()
        css = font_css(prepared_fonts) + "\n" + (STATIC / "document.css").read_text(encoding="utf-8")
        self.stylesheet = CSS(string=css, font_config=self.font_config, base_url=str(STATIC))
        self.tuned = tuned
        self.lean_ua = tuned and not tuning.NEEDS_FULL_UA.search(css)
        self.strip_whitespace = tuned and not tuning.PRESERVES_WHITESPACE.search(css)

    def html(self, template: str, context: dict, *, draft: bool = False) -> str:
        return self.env.get_template(template).render(**context, draft=draft)

    def render(self, template: str, context: dict, *, draft: bool = False,
               title: str | None = None) -> Rendered:
        from weasyprint import HTML
        html = self.html(template, context, draft=draft)
        lean = self.lean_ua and not tuning.NEEDS_FULL_UA.search(html)
        html_class = tuning.lean_html_class() if lean else HTML
        if self.strip_whitespace:
            html = tuning.without_layout_whitespace(html)
        with tuning.kept_text_layouts() if self.tuned else nullcontext():
            document = html_class(string=html, base_url=str(STATIC)).render(
                stylesheets=[self.stylesheet], font_config=self.font_config)
            if title:
                document.metadata.title = title
            document.metadata.authors = ["grantflow"]
            finisher = tuning.deflate_binary_streams if self.tuned else None
            return Rendered(document.write_pdf(finisher=finisher), len(document.pages))


# Renderers are reused across threads (the dev server starts a thread per request: a
# thread-local one would be cold — fonts loaded again — on every download), one thread at a time.
_idle: queue.SimpleQueue[Renderer] = queue.SimpleQueue()


@atexit.register
def _release_renderers() -> None:
    """Each renderer's font configuration keeps a copy of the fonts (~22 MB) in a temporary
    directory that WeasyPrint removes when it is collected — at exit, module-level objects
    may never be: drop the idle ones explicitly."""
    while True:
        try:
            _idle.get_nowait()
        except queue.Empty:
            return


@contextmanager
def renderer() -> Iterator[Renderer]:
    """A warm renderer for the duration of the block (a new one when all are busy, or when the
    prepared fonts have appeared since it was made)."""
    try:
        current = _idle.get_nowait()
    except queue.Empty:
        current = None
    if current is None or (not current.fast_fonts and fonts.ready()):
        current = Renderer()
    try:
        yield current
    finally:
        _idle.put(current)


def warm_up() -> None:
    """Make one renderer ready (fonts loaded, stylesheet parsed: ~1 s) before the first
    download needs it."""
    with renderer():
        pass


# A warm render of a 9-page 申报书 leaves ~10,000 objects in reference cycles (boxes and
# their parents) and, with the default thresholds (700, 10, 10), runs the collector ~35 times,
# a full collection (every object of the process) every third render: ~5 % of a render
# (paired A/B). A process that renders one document after another (the worker, a batch)
# collects less often; the application decides (never this package by itself).
RENDERING_GC_THRESHOLDS = (20_000, 10, 10)


def tune_gc_for_rendering() -> None:
    """For a process that renders documents one after another: what is loaded by now is never
    scanned again (gc.freeze), and the young generation is collected every 20,000 allocations
    instead of 700. Called by ``grantflow worker`` and bench/pdf.py's batch processes."""
    gc.freeze()
    gc.set_threshold(*RENDERING_GC_THRESHOLDS)


def render_pdf(template: str, context: dict, *, draft: bool = False,
               title: str | None = None) -> Rendered:
    with renderer() as current:
        return current.render(template, context, draft=draft, title=title)
