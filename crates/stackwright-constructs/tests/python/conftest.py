"""Shared fixtures: the function modules are loaded from the very files the Rust constructs
embed with include_str! (src/functions/*.py), and every test runs against moto's mocks."""

import importlib.util
import os
import pathlib
import sys
import types

import pytest

CRATE = pathlib.Path(__file__).resolve().parents[2]
FUNCTIONS = CRATE / "src" / "functions"
WORKSPACE = CRATE.parents[1]
REGION = "us-east-1"


def load_function(name, hooks=None):
    """Loads src/functions/<name>.py as a fresh module; `hooks` is Python source appended to
    it the way the construct appends hooks (after HOOKS_SEPARATOR)."""
    path = FUNCTIONS / f"{name}.py"
    source = path.read_text()
    if hooks is not None:
        source = source + "\n\n# --- hooks ---\n\n" + hooks.strip() + "\n"
    module = types.ModuleType(f"{name}_under_test")
    module.__file__ = str(path)
    exec(compile(source, str(path), "exec"), module.__dict__)
    return module


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch):
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)
    for key in ("SECRETS_MANAGER_ENDPOINT", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(key, raising=False)
