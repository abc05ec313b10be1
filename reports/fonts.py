"""The documents' fonts: Noto CJK faces prepared once as TrueType-outline (glyf) fonts.

WeasyPrint subsets every embedded font on every render. Debian's Noto CJK faces have CFF
outlines, and subsetting CFF costs 5–11 s per document (``../shared/PDF_NOTES.md``);
TrueType outlines subset in milliseconds. So each face is converted once — subset to the
codepoints Chinese documents use, cubic curves turned quadratic (cu2qu), hinting dropped —
and cached on disk under a name that says what it was built from. The fonts keep Noto's
copyright and SIL Open Font License (name table, plus the licence file beside them) and are
renamed ("Grantflow …"): the OFL forbids a derived font to use the reserved name "Source".

Characters outside the prepared set (CJK Extension B names, rare symbols) fall back per glyph
to the system Noto face through the CSS font-family list (see ``FAMILY_STACKS``).

The glyphs are numbered in GB2312's order (``_common_glyphs_first``): WeasyPrint's subset of a
font keeps glyph ids, so what each PDF embeds (and what every render subsets and deflates) ends
at the highest id a document uses — ~7,300 instead of ~29,000 in Noto's order.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

BUILD_VERSION = 3  # bump when the build below changes: cached files are then rebuilt


@dataclass(frozen=True)
class Face:
    """One prepared face: the system font it comes from and the family the CSS uses."""
    key: str            # file stem: "serif-regular"
    family: str         # CSS family of the prepared font: "Grantflow Serif"
    weight: int         # CSS font-weight it serves
    source_file: str    # Debian fonts-noto-cjk file name
    source_family: str  # the system family inside the .ttc: "Noto Serif CJK SC"


FACES = (
    Face("serif-regular", "Grantflow Serif", 400, "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    Face("sans-bold", "Grantflow Sans", 700, "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
)

# The CSS stacks: prepared face first, then the system face for glyphs it lacks (per glyph).
FAMILY_STACKS = {
    "serif": "'Grantflow Serif', 'Noto Serif CJK SC', 'Noto Sans CJK SC', serif",
    "sans": "'Grantflow Sans', 'Noto Sans CJK SC', 'Noto Serif CJK SC', sans-serif",
}

SOURCE_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto"),
               Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")
LICENCE_SOURCES = (Path("/usr/share/doc/fonts-noto-cjk/copyright"),)

# What Chinese documents print: ASCII and Latin-1, general punctuation, letterlike and number
# forms (℃ Ⅲ ①), arrows, maths, box drawing, geometric shapes (□ ■ ○ ●), CJK symbols and
# punctuation, enclosed CJK, CJK compatibility, Extension A, the URO (all 20,992 hanzi,
# rare name characters such as 堃 and 喆 included), compatibility ideographs, full-width forms.
KEPT_RANGES = (
    (0x0020, 0x00FF), (0x2000, 0x206F), (0x2100, 0x218F), (0x2190, 0x21FF), (0x2200, 0x22FF),
    (0x2460, 0x24FF), (0x2500, 0x257F), (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x3000, 0x303F),
    (0x3200, 0x32FF), (0x3300, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
)


class FontsUnavailable(RuntimeError):
    """The system Noto CJK fonts are not installed (Debian package fonts-noto-cjk)."""


def font_dir() -> Path:
    """Where prepared fonts live: $GRANTFLOW_FONT_DIR, else the user's cache directory."""
    configured = os.environ.get("GRANTFLOW_FONT_DIR")
    if configured:
        return Path(configured)
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "grantflow" / "fonts"


def source_path(face: Face) -> Path:
    for directory in SOURCE_DIRS:
        if (directory / face.source_file).is_file():
            return directory / face.source_file
    raise FontsUnavailable(f"{face.source_file} not found (install the Debian package "
                           f"fonts-noto-cjk); looked in {', '.join(map(str, SOURCE_DIRS))}")


def prepared_path(face: Face) -> Path:
    """The cached file for a face, named after the exact source it is built from."""
    source = source_path(face)
    stat = source.stat()
    tag = hashlib.sha256(f"{BUILD_VERSION}:{source}:{stat.st_size}:{stat.st_mtime_ns}"
                         .encode()).hexdigest()[:12]
    return font_dir() / f"grantflow-{face.key}-{tag}.ttf"


def ready() -> bool:
    """Whether every face is prepared (documents then render fast)."""
    try:
        return all(prepared_path(face).is_file() for face in FACES)
    except FontsUnavailable:
        return False


def prepare_all(progress=None) -> list[Path]:
    """Build the faces that are missing (≈30 s each on a 2-core machine); returns the paths.
    Safe to run from several processes: each build writes a temporary file and renames it."""
    paths = []
    for face in FACES:
        path = prepared_path(face)
        if not path.is_file():
            started = time.perf_counter()
            build_face(face, path)
            log.info("prepared %s in %.1f s", path.name, time.perf_counter() - started)
            if progress:
                progress(face, path, time.perf_counter() - started)
        paths.append(path)
        _remove_stale(face, keep=path)
    _write_licence(font_dir())
    return paths


def build_face(face: Face, target: Path) -> None:
    """Subset the system face, convert its outlines to TrueType, rename it, write ``target``."""
    from fontTools.ttLib import TTFont
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
    with TTFont(source_path(face), fontNumber=_face_index(face), lazy=False) as font:
        _subset(font)
        _cff_to_glyf(font)
        _common_glyphs_first(font)
        _rename(font, face)
        font.save(str(temporary))
    os.replace(temporary, target)


def _face_index(face: Face) -> int:
    from fontTools.ttLib import TTCollection
    with TTCollection(str(source_path(face)), lazy=True) as collection:
        for index, font in enumerate(collection.fonts):
            if font["name"].getDebugName(1) == face.source_family:
                return index
    raise FontsUnavailable(f"{face.source_family} is not in {face.source_file}")


def _subset(font) -> None:
    from fontTools import subset
    logging.getLogger("fontTools.subset").setLevel(logging.WARNING)
    wanted = {code for low, high in KEPT_RANGES for code in range(low, high + 1)}
    unicodes = sorted(wanted & set(font.getBestCmap()))
    options = subset.Options()
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    # Horizontal Simplified Chinese only: no locl (other locales' forms), no vertical forms —
    # their glyph closure would double the font and its build time.
    options.layout_features = ["kern"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)


def _cff_to_glyf(font) -> None:
    """Replace the CFF table by glyf/loca with the same glyphs drawn as quadratic curves."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        # max_err 1 unit of 1000 per em: invisible at print sizes; reversed for TrueType winding
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["head"].glyphDataFormat = 0
    font["maxp"].tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements"):
        setattr(font["maxp"], field, 0)
    font["maxp"].maxZones = 1
    font["post"].formatType = 3.0  # no glyph names: smaller, and PDF viewers do not need them
    font.sfntVersion = "\x00\x01\x00\x00"


def _common_glyphs_first(font) -> None:
    """Renumber the glyphs in the order of GB2312 (ASCII, then its symbols and full-width forms,
    its 3,755 common hanzi, its 3,008 others), the rest of Unicode after, glyphs without a
    character last; and drop the vertical metrics (vhea/vmtx: horizontal text only).

    WeasyPrint keeps glyph ids when it subsets a font for a PDF, so the embedded subset carries
    a loca/hmtx entry for every id up to the highest one used: in Noto's (Unicode) order a
    document reaches ~29,000 (~400 KB a face before compression) and this order ~4,000–7,500 —
    less to subset and deflate on every render. The outlines and metrics are those of Noto:
    the text is set exactly as before."""
    from fontTools.ttLib.reorderGlyphs import reorderGlyphs
    order = font.getGlyphOrder()
    rank: dict[str, tuple[int, bytes]] = {}
    for code, name in font.getBestCmap().items():
        key = _character_rank(code)
        if key < rank.get(name, (2, b"")):
            rank[name] = key
    position = {name: index for index, name in enumerate(order)}
    new_order = order[:1] + sorted(order[1:], key=lambda name: (rank.get(name, (2, b"")),
                                                                 position[name]))
    for tag in ("vhea", "vmtx"):
        if tag in font:
            del font[tag]
    reorderGlyphs(font, new_order)
    font["glyf"].glyphOrder = new_order


def _character_rank(code: int) -> tuple[int, bytes]:
    """GB2312's own order (its bytes sort as its rows: symbols, level-1 hanzi, level 2), then
    every other character in Unicode order."""
    try:
        return 0, chr(code).encode("gb2312")
    except UnicodeEncodeError:
        return 1, code.to_bytes(4, "big")


def _rename(font, face: Face) -> None:
    """Our family name on every naming record; copyright, licence and vendor records kept."""
    style = "Bold" if face.weight >= 700 else "Regular"
    postscript = f"{face.family.replace(' ', '')}-{style}"
    names = {1: face.family, 2: style, 3: f"{postscript};grantflow-{BUILD_VERSION}",
             4: f"{face.family} {style}", 6: postscript, 16: face.family, 17: style}
    table = font["name"]
    table.names = [record for record in table.names if record.nameID not in names
                   and record.nameID not in (18, 21, 22)]
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
    table.setName(f"Derived by grantflow from {face.source_family} (subset, TrueType outlines)",
                  5, 3, 1, 0x409)


def _remove_stale(face: Face, keep: Path) -> None:
    """Builds of an older version or source font (never the current one), and temporary
    files of builds that were interrupted (a process that exited mid-build)."""
    stale = [*keep.parent.glob(f"grantflow-{face.key}-*.ttf"),
             *keep.parent.glob(f".grantflow-{face.key}-*.ttf.*")]
    for old in stale:
        if old != keep and not _being_written(old):
            old.unlink(missing_ok=True)


def _being_written(path: Path) -> bool:
    """A temporary file of a build still running in a live process (".<name>.<pid>.<thread>")."""
    if not path.name.startswith("."):
        return False
    try:
        os.kill(int(path.name.split(".")[-2]), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def _write_licence(directory: Path) -> None:
    target = directory / "LICENSE-Noto-CJK-OFL.txt"
    if target.is_file():
        return
    for source in LICENCE_SOURCES:
        if source.is_file():
            shutil.copyfile(source, target)
            return
    target.write_text(_licence_from_font(), encoding="utf-8")


def _licence_from_font() -> str:
    from fontTools.ttLib import TTFont
    with TTFont(source_path(FACES[0]), fontNumber=_face_index(FACES[0]), lazy=True) as font:
        table = font["name"]
        return "\n\n".join(str(table.getDebugName(name_id) or "") for name_id in (0, 13, 14))


# Preparing at first use, in the background ------------------------------------------------

_building = threading.Lock()


def prepare_in_background(then=None) -> threading.Thread | None:
    """In a daemon thread: build the missing faces (first use, e.g. the web app's start; until
    they exist documents render with the system fonts — right, only slower), then call
    ``then()`` (e.g. warm a renderer). None when another build is already running."""
    if not _building.acquire(blocking=False):
        return None

    def build():
        try:
            if not ready():
                prepare_all()
            if then is not None:
                then()
        except Exception:  # noqa: BLE001 — a failed build leaves the system-font fallback
            log.exception("could not prepare the documents' fonts")
        finally:
            _building.release()

    thread = threading.Thread(target=build, name="grantflow-fonts", daemon=True)
    thread.start()
    return thread


def system_fonts_installed() -> bool:
    """Whether fontconfig knows a Chinese font (what the fallback stack needs)."""
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True,
                                text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(listed.strip())
