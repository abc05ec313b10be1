"""Document rendering (申报书 and other printed papers) — issue 5."""
