"""Fixtures for the checker's tests."""
from __future__ import annotations

import pytest

from policy import learned


@pytest.fixture
def rules_only(monkeypatch):
    """The rule layers alone (SMPOLICY_LEARNED=0): for tests of what the rules decide, so that the learned
    layer's judgement (tested in test_learned.py and test_checker.py) does not blur it."""
    monkeypatch.setenv(learned.ENV_SWITCH, "0")
