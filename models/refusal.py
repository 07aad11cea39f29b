"""Refusal: what models/ raises when it says no to something the user can act on.

A form with a wrong field (FormErrors, FieldError), no access (AccessDenied), a busy database
(DatabaseBusy), a change made meanwhile, a period that has ended... all derive from Refusal. The screens
tell a refusal in its own words and log nothing. Any other exception, ValueError included, is a failure:
logged with its traceback and told to the user as a storing (tui/kit/domain.py).
"""
from __future__ import annotations


class Refusal(Exception):
    """The base of every refusal; its message is Dutch and meant for the user."""
