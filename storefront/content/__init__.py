"""Storefront content a retailer owns; lives in that retailer's own schema."""
