"""Data layer: store, importer, demo generator, queries, rules. No Dash here."""
