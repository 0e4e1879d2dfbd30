"""Project tooling that is not app code (import-linter's app-order contract)."""
