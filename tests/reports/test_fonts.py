"""The prepared fonts: TrueType outlines, renamed as the OFL asks, licence kept, the characters
Chinese documents need — and what a PDF embeds."""
from __future__ import annotations

import os

from fontTools.ttLib import TTFont

from reports import fonts
from reports.documents import render_document
from tests.forms.factories import application

from . import pdf

RARE_NAME_CHARS = "堃喆昇珺琤犇淼焱垚"


def tables_and_names(face: fonts.Face) -> tuple[set[str], dict[int, str]]:
    with TTFont(fonts.prepared_path(face), lazy=True) as font:
        return set(font.keys()), {record.nameID: record.toUnicode() for record in font["name"].names}


def best_cmap(face: fonts.Face) -> dict[int, str]:
    with TTFont(fonts.prepared_path(face), lazy=True) as font:
        return font.getBestCmap()


def test_faces_have_truetype_outlines_and_our_name():
    for face in fonts.FACES:
        tables, names = tables_and_names(face)
        assert "glyf" in tables and "CFF " not in tables
        assert names[1] == face.family and names[16] == face.family
        assert not any("Source" in names[i] for i in (1, 3, 4, 6, 16) if i in names)
        assert "Copyright" in names[0] or "©" in names[0]
        assert "Open Font License" in names[13] + names.get(14, "")


def test_faces_cover_every_hanzi_of_the_uro_and_rare_name_characters():
    cmap = best_cmap(fonts.FACES[0])
    assert all(ord(ch) in cmap for ch in RARE_NAME_CHARS + "（）“”、。；：——……①％℃")
    uro = range(0x4E00, 0x9FA6)  # the 20,902 of Unicode 1.1–3.0: every GB2312/GBK hanzi
    assert sum(code in cmap for code in uro) == len(uro)


def test_licence_travels_with_the_fonts():
    licence = (fonts.font_dir() / "LICENSE-Noto-CJK-OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE" in licence.upper()


def test_pdf_embeds_the_prepared_truetype_faces():
    rendered = render_document("application", {"form": application(), "call": {"year": 2024}})
    embedded = pdf.fonts(rendered.pdf)
    assert {font.name.split("+")[-1] for font in embedded} >= {"Grantflow-Serif",
                                                               "Grantflow-Sans-Bold"}
    assert all(font.embedded for font in embedded)
    assert all("TrueType" in font.type for font in embedded)


def test_an_extension_b_character_falls_back_to_the_system_face():
    form = application()
    form["team"]["members"][1]["name"] = "林𠮷安"
    rendered = render_document("application", {"form": form, "call": {"year": 2024}})
    assert "林𠮷安" in pdf.squeezed(rendered.pdf)
    assert any("Noto" in font.name for font in pdf.fonts(rendered.pdf))


def test_stale_builds_and_dead_temporary_files_are_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("GRANTFLOW_FONT_DIR", str(tmp_path))
    face = fonts.FACES[0]
    current = fonts.prepared_path(face)
    current.write_bytes(b"current")
    old = tmp_path / f"grantflow-{face.key}-000000000000.ttf"
    dead = tmp_path / f".{current.name}.999999999.1"
    live = tmp_path / f".{current.name}.{os.getpid()}.1"
    for path in (old, dead, live):
        path.write_bytes(b"x")
    fonts._remove_stale(face, keep=current)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([current.name, live.name])


def test_background_preparation_then_warms_a_renderer():
    from reports import render
    warmed = []
    thread = fonts.prepare_in_background(then=lambda: warmed.append(render.warm_up()))
    thread.join(timeout=60)
    assert warmed == [None] and not thread.is_alive()
    with render.renderer() as ready_renderer:  # the warmed one, taken from the pool
        assert ready_renderer.fast_fonts


def test_common_characters_have_the_low_glyph_ids():
    """GB2312's order (what keeps each PDF's embedded subset small), the rest after."""
    with TTFont(fonts.prepared_path(fonts.FACES[0]), lazy=True) as font:
        ids = {char: font.getGlyphID(name) for char, name in
               ((chr(code), name) for code, name in font.getBestCmap().items())}
        assert ids["A"] < ids["，"] < ids["啊"] < ids["的"] < ids["亍"] < ids["堃"]
        assert max(ids[char] for char in "专家团围绕先进材料产业链，。（）") < 7500
        assert "vmtx" not in font
