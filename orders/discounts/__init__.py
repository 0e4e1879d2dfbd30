"""Discount codes: percent or fixed, merchandise only, one per order (see `services.py`)."""
