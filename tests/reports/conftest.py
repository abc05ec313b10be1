import shutil

import pytest

from reports import fonts


@pytest.fixture(scope="session", autouse=True)
def prepared_fonts():
    """The documents' fonts, built once (scripts/install.sh normally did it already)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("poppler-utils (pdftotext) is not installed: run scripts/install.sh")
    return fonts.prepare_all()
