"""News intelligence: facts read at ingest, the crews-and-events table and its answers, follow-ups."""
