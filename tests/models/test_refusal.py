"""Refusals are a type of their own: every exception models/ raises to say no derives from Refusal, and none of
them is a ValueError, so that a programming error (a ValueError among others) is never told as a refusal."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import models
from models.refusal import Refusal

# Exceptions of models/ that are not refusals: they never reach a screen (the command line and the mail
# worker report them in their own words).
NOT_REFUSALS = {"BackupError", "MigrationError", "DeliveryError"}


def exceptions_of_models() -> dict[str, type[BaseException]]:
    found = {}
    for module in pkgutil.walk_packages(models.__path__, "models."):
        if ".migrations" in module.name:
            continue
        for name, value in vars(importlib.import_module(module.name)).items():
            if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__.startswith("models"):
                found[name] = value
    return found


def test_every_exception_of_models_is_a_refusal_or_a_named_failure():
    found = exceptions_of_models()
    assert {"FormErrors", "FieldError", "AccessDenied", "SessionEnded", "DatabaseBusy", "GrantRefused"} <= set(found)
    refusals = {name for name, kind in found.items() if issubclass(kind, Refusal)}
    assert set(found) - refusals == NOT_REFUSALS
    assert not [name for name in refusals if issubclass(found[name], ValueError)]
