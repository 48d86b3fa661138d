"""The Flask side of the application: CLI commands, JSON API, auth, cache."""
