"""The HTTP tests of 评选表扬 log in like tests/web does."""
from tests.web.conftest import client  # noqa: F401
