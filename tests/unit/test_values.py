"""``value_type``: the same ``__eq__``, ``__hash__``, ``__repr__`` and frozen ``__setattr__``/``__delattr__`` as
``@dataclass(frozen=True)`` generates."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
from dataclasses import dataclass, field
from typing import Any, Optional

import pytest
from langchain_doctor.values import value_type

MODULES = ("langchain_doctor.model", "langchain_doctor.context", "langchain_doctor.target",
           "langchain_doctor._checks._symbols", "langchain_doctor.knowledge.confirms")


def _twins(body: dict[str, Any], annotations: dict[str, str]) -> tuple[type, type]:
    """The same class made both ways: shared methods, and the methods ``dataclasses`` generates."""
    def make(name: str) -> type:
        return type(name, (), {**body, "__annotations__": dict(annotations), "__module__": __name__,
                               "__qualname__": "Outer.Twin"})
    ours = value_type(make("Twin"))
    theirs = dataclass(frozen=True)(make("Twin"))
    return ours, theirs


SHAPES: list[tuple[dict[str, Any], dict[str, str], list[dict[str, Any]]]] = [
    ({}, {}, [{}]),
    ({}, {"a": "int"}, [{"a": 1}, {"a": 2}, {"a": math.nan}]),
    ({"b": "x"}, {"a": "int", "b": "str"}, [{"a": 1}, {"a": 1, "b": "y"}, {"a": math.nan, "b": "y"}]),
    ({"c": field(default=None, compare=False, repr=False)}, {"a": "int", "c": "object"},
     [{"a": 1}, {"a": 1, "c": 5}, {"a": 2, "c": 5}]),
    ({"c": field(default=0, hash=False)}, {"a": "object", "c": "int"}, [{"a": (1, 2)}, {"a": (1, 2), "c": 3}]),
    ({"c": field(default=0, compare=False, hash=True)}, {"a": "int", "c": "int"}, [{"a": 1}, {"a": 1, "c": 3}]),
    ({"d": field(default_factory=dict)}, {"a": "str", "d": "dict"}, [{"a": "k"}, {"a": "k", "d": {"x": 1}}]),
]


@pytest.mark.parametrize(("body", "annotations", "values"), SHAPES)
def test_twins_behave_alike(body: dict[str, Any], annotations: dict[str, str], values: list[dict[str, Any]]) -> None:
    ours, theirs = _twins(body, annotations)
    a_all = [ours(**v) for v in values]
    b_all = [theirs(**v) for v in values]
    messages: list[str] = []
    assert inspect.signature(ours) == inspect.signature(theirs)
    assert inspect.signature(ours.__init__) == inspect.signature(theirs.__init__)
    with pytest.raises(TypeError):
        ours(*range(len(annotations) + 1))
    if "d" in body:  # a default factory is called for each instance
        assert ours(a="k").d is not ours(a="k").d and ours(a="k").d == {}
    for a1, b1 in zip(a_all, b_all):
        assert repr(a1) == repr(b1)
        for a2, b2 in zip(a_all, b_all):
            assert (a1 == a2) is (b1 == b2)
            assert (a1 != a2) is (b1 != b2)
        try:
            expected: Optional[int] = hash(b1)
        except TypeError:
            expected = None
        if expected is None:
            with pytest.raises(TypeError):
                hash(a1)
        else:
            assert hash(a1) == expected
        # a value of another class is never equal, either way round
        assert a1 != b1 and b1 != a1
        assert a1.__eq__(object()) is NotImplemented
        for obj in (a1, b1):
            for name in ("a", "not_a_field"):
                with pytest.raises(dataclasses.FrozenInstanceError) as caught:
                    setattr(obj, name, 0)
                messages.append(str(caught.value))
                with pytest.raises(dataclasses.FrozenInstanceError) as caught:
                    delattr(obj, name)
                messages.append(str(caught.value))
        assert messages[:4] == messages[4:8]
        del messages[:]
        assert dataclasses.replace(a1) == a1
    assert ours.__dataclass_params__.__repr__() == theirs.__dataclass_params__.__repr__()  # type: ignore[attr-defined]
    assert [f.name for f in dataclasses.fields(ours)] == [f.name for f in dataclasses.fields(theirs)]


def test_nan_field_is_equal_to_itself_as_in_a_tuple() -> None:
    ours, theirs = _twins({}, {"a": "float"})
    x = math.nan
    assert (ours(a=x) == ours(a=x)) is (theirs(a=x) == theirs(a=x)) is True


def test_recursive_repr() -> None:
    ours, theirs = _twins({}, {"a": "list"})
    a, b = ours(a=[]), theirs(a=[])
    a.a.append(a)
    b.a.append(b)
    assert repr(a) == repr(b) == "Outer.Twin(a=[...])"


def test_a_plain_subclass_is_frozen_in_its_fields_only_as_with_dataclasses() -> None:
    ours, theirs = _twins({}, {"a": "int"})
    for base in (ours, theirs):
        sub = type("Sub", (base,), {})
        obj = sub(a=1)
        obj.extra = 2  # not a field, and not the frozen class itself: allowed, as the generated method allows
        assert obj.extra == 2
        del obj.extra
        with pytest.raises(dataclasses.FrozenInstanceError):
            obj.a = 3
        with pytest.raises(dataclasses.FrozenInstanceError):
            del obj.a


def test_a_frozen_dataclass_may_inherit_from_it() -> None:
    ours, _theirs = _twins({}, {"a": "int"})
    child = dataclass(frozen=True)(type("Child", (ours,), {"__annotations__": {"b": "int"}, "b": 0}))
    obj = child(a=1, b=2)
    assert (obj.a, obj.b) == (1, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        obj.b = 3


def test_refuses_a_class_it_would_change() -> None:
    for method in ("__repr__", "__eq__", "__setattr__", "__delattr__"):
        with pytest.raises(TypeError):
            value_type(type("H", (), {"__annotations__": {"a": "int"}, method: lambda *a: None}))


def _shared_classes() -> list[type]:
    out = []
    for name in MODULES:
        module = importlib.import_module(name)
        out += [obj for obj in vars(module).values()
                if isinstance(obj, type) and obj.__module__ == module.__name__ and dataclasses.is_dataclass(obj)]
    return out


def test_every_dataclass_of_the_start_up_modules_uses_the_shared_methods() -> None:
    classes = _shared_classes()
    assert len(classes) >= 19
    for cls in classes:
        assert cls.__dataclass_params__.frozen, cls  # type: ignore[attr-defined]
        assert cls.__eq__ is value_type.__globals__["_eq"], cls
        assert cls.__hash__ is value_type.__globals__["_hash"], cls
        assert cls.__repr__ is value_type.__globals__["_repr"], cls
        assert cls.__setattr__.__module__ == "langchain_doctor.values", cls
        assert cls.__delattr__.__module__ == "langchain_doctor.values", cls


def test_the_model_classes_match_their_generated_twins() -> None:
    """Each real class against a ``@dataclass(frozen=True)`` copy of its fields, on instances made from defaults and
    from one changed field at a time."""
    for cls in _shared_classes():
        fields = dataclasses.fields(cls)
        twin = dataclass(frozen=True)(type(cls.__name__, (), {
            "__annotations__": {f.name: "object" for f in fields},
            "__qualname__": cls.__qualname__,
            **{f.name: field(default=f.default, default_factory=f.default_factory, compare=f.compare, hash=f.hash,
                             repr=f.repr) for f in fields},
        }))
        base = {f.name: (f.default if f.default is not dataclasses.MISSING
                         else f.default_factory() if f.default_factory is not dataclasses.MISSING
                         else f"v-{f.name}") for f in fields}
        variants = [base] + [{**base, f.name: ("other", f.name)} for f in fields]
        ours = [cls.__new__(cls) for _ in variants]
        for obj, values in zip(ours, variants):
            for k, v in values.items():
                object.__setattr__(obj, k, v)
        theirs = [twin.__new__(twin) for _ in variants]
        for obj, values in zip(theirs, variants):
            for k, v in values.items():
                object.__setattr__(obj, k, v)
        for i in range(len(variants)):
            assert repr(ours[i]) == repr(theirs[i]), cls
            for j in range(len(variants)):
                assert (ours[i] == ours[j]) is (theirs[i] == theirs[j]), (cls, i, j)
            try:
                expected: Optional[int] = hash(theirs[i])
            except TypeError:
                expected = None
            if expected is not None:
                assert hash(ours[i]) == expected, cls
