"""Reusable widgets of the terminal UI (styles in their ``DEFAULT_CSS``)."""
