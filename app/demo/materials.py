"""The demo's project materials (推介视频说明, 项目介绍资料, 成果证明材料) as real uploaded PDFs,
so its projects link to files a person can open instead of showing placeholder references."""
from __future__ import annotations

import io
from functools import cache
from html import escape

from werkzeug.datastructures import FileStorage

from ..services.documents.attachments import REF_PREFIX, store_attachment
from ..services.shared.unit_of_work import transaction

MATERIALS = {  # field → (file name, what the page says)
    "video_ref": ("大会推介视频说明.pdf", "演示数据：推介视频以链接形式另行提交，此处为说明页。"),
    "introduction_ref": ("项目介绍资料.pdf", "演示数据：项目的技术路线、成熟度与合作需求介绍。"),
    "proof_ref": ("成果证明材料.pdf", "演示数据：中试报告、检测报告与知识产权证明的汇编。"),
}


@cache
def material_pdf(title: str, text: str) -> bytes:
    """A one-page PDF in the documents' fonts (rendered once per process)."""
    from weasyprint import HTML
    from reports.render import renderer
    with renderer() as current:
        html = f"<h1>{escape(title)}</h1><p>{escape(text)}</p>"
        return HTML(string=html).write_pdf(stylesheets=[current.stylesheet],
                                           font_config=current.font_config)


def with_materials(instance, user, raw: dict) -> dict:
    """``raw`` (a 提交科创项目 form) with its material fields naming files uploaded now."""
    filled = dict(raw)
    with transaction():
        for field, (filename, text) in MATERIALS.items():
            if raw.get(field):
                upload = FileStorage(io.BytesIO(material_pdf(filename[:-4], text)), filename=filename)
                attachment = store_attachment(instance, "submit_project", field, upload, user)
                filled[field] = f"{REF_PREFIX}{attachment.id}"
    return filled
