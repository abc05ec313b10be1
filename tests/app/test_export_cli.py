"""``grantflow export-applications CALL_ID --out FILE.zip``: the zip of a call's submitted
申报书, written whole (with a progress bar); an application submitted before documents were
frozen is frozen on the way (and recorded like any other)."""
from __future__ import annotations

import hashlib
import zipfile

import sqlalchemy as sa

from app.cli import export_applications_command
from app.extensions import db
from app.models import AuditEvent, StoredDocument
from app.services.documents import documents
from app.services.grant.applications import start_application
from tests.factories import application_form
from tests.services.grant_steps import ELIGIBLE, apply
from tests.services.steps import complete
from tests.uploads import use_upload_dir


def test_cli_export_writes_the_zip_and_freezes_a_missing_pdf(ctx, world, tmp_path, monkeypatch):
    use_upload_dir(monkeypatch, tmp_path / "uploads")
    first, second = apply(world), apply(world, "soc_agri_tech", "soc_agri_applicant")
    _forget_frozen(second.instance_id)  # as if submitted before documents were frozen
    out = tmp_path / "导出" / "申报书汇总.zip"
    result = ctx.test_cli_runner().invoke(
        export_applications_command, [str(world["grant_call"].id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "已导出 2 份申报书" in result.output and "导出申报书" in result.output
    [backfilled] = documents.frozen_versions(second.instance_id, "application")
    event = db.session.scalar(sa.select(AuditEvent).filter_by(
        instance_id=second.instance_id, kind=documents.FROZEN_EVENT))
    assert event.data["sha256"] == backfilled.sha256 and event.data["backfilled"] is True
    archive = zipfile.ZipFile(out)
    digests = {hashlib.sha256(archive.read(n)).hexdigest() for n in archive.namelist() if n.endswith(".pdf")}
    [original] = documents.frozen_versions(first.instance_id, "application")
    assert digests == {original.sha256, backfilled.sha256}
    assert [p.name for p in out.parent.iterdir()] == ["申报书汇总.zip"]  # no temporary left


def _forget_frozen(instance_id: int) -> None:
    db.session.execute(sa.delete(StoredDocument).filter_by(instance_id=instance_id))
    db.session.execute(sa.delete(AuditEvent).filter_by(instance_id=instance_id,
                                                       kind=documents.FROZEN_EVENT))
    db.session.commit()


def test_cli_export_of_an_unknown_call_fails_cleanly(ctx, tmp_path):
    out = tmp_path / "x.zip"
    result = ctx.test_cli_runner().invoke(export_applications_command, ["999999", "--out", str(out)])
    assert result.exit_code != 0 and "申报项目不存在" in result.output and "导出申报书" not in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_export_while_a_submission_is_still_being_rendered_fails_cleanly(ctx, world, tmp_path,
                                                                           monkeypatch):
    use_upload_dir(monkeypatch, tmp_path / "uploads")
    user = world["users"]["soc_mfg_applicant"]
    application = start_application(world["grant_call"].id, world["orgs"]["soc_smart_mfg"].id, user)
    complete(user, application.instance, "declare_eligibility", ELIGIBLE)
    complete(user, application.instance, "submit_application", application_form("四川省智能制造学会"))
    out = tmp_path / "x.zip"
    result = ctx.test_cli_runner().invoke(
        export_applications_command, [str(world["grant_call"].id), "--out", str(out)])
    assert result.exit_code != 0 and documents.RENDERING in result.output and not out.exists()
