"""Reference and demo data: organisations, calls from the seeds, invented people."""
