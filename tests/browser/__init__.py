"""Browser tests (Playwright + Debian chromium) against a live server."""
