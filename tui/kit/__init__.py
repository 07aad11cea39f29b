"""Reusable pieces of the interface; never imports screens/ or tui.app."""
