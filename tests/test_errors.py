"""The error taxonomy: whose fault an error is decides its exit code and code, for every class."""

from __future__ import annotations

import pytest

import graphsvc.errors as errors
from graphsvc.errors import GraphsvcError, InternalError, OperationalError, UsageError, is_callers


def _subclasses(cls: type[GraphsvcError]) -> list[type[GraphsvcError]]:
    return [cls, *(sub for child in cls.__subclasses__() for sub in _subclasses(child))]


CLASSES = _subclasses(GraphsvcError)


def test_every_class_is_exported_and_drawn_in_the_module_docstring() -> None:
    assert {cls.__name__ for cls in CLASSES} <= set(errors.__all__)
    assert all(cls.__name__ in (errors.__doc__ or "") for cls in CLASSES)


@pytest.mark.parametrize("cls", [c for c in CLASSES if c is not GraphsvcError], ids=lambda c: c.__name__)
def test_each_class_is_the_callers_ours_or_the_environments(cls: type[GraphsvcError]) -> None:
    families = [family for family in (UsageError, InternalError, OperationalError) if issubclass(cls, family)]
    assert len(families) == 1
    fault = families[0]
    expected_exits = {UsageError: {1, 2}, InternalError: {5}, OperationalError: {3, 4}}[fault]
    assert cls.exit_code in expected_exits
    assert (cls.code == "INTERNAL") == (fault is InternalError)
    assert is_callers(cls("x")) == (fault is UsageError or fault is OperationalError)


def test_anything_that_is_no_graphsvc_error_is_not_the_callers() -> None:
    assert not is_callers(RuntimeError("boom")) and not is_callers(None)
