"""US sales tax behind one interface: `tax_engine_get()` (see `engines.py`)."""
