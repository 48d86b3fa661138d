"""Small builders of data-contract files for the importer tests."""
