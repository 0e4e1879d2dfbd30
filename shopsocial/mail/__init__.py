"""Outbound email as rows: the intent to send is written with the change that causes it."""
