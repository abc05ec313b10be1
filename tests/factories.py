"""Valid form inputs for tests: the demo's invented samples (one source for demo, bench, tests)."""
from app.demo.samples import (CONTRACT, PITCH, SUBMISSION, application_form, recommendation,  # noqa: F401
                              review, selection, submission, team)
