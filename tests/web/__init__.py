"""Web tests: pages and downloads through the Flask test client."""
