"""Which code runs which kind of background job: one explicit table, kind → handler (no
registration by importing a module for its side effects). Add a kind here and nowhere else."""
from __future__ import annotations

from ..documents import documents, exports
from . import mail
from .jobs import JobKind

HANDLERS: dict[str, JobKind] = {
    exports.JOB_KIND: JobKind(run=exports.build_export, failed=exports.export_failed),
    documents.FREEZE_JOB: JobKind(run=documents.render_frozen),
    mail.JOB_KIND: JobKind(run=mail.send_email),
}
