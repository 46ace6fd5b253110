"""``@shared_methods`` over ``@dataclass(frozen=True, eq=False, repr=False)``: a frozen dataclass whose ``__eq__``,
``__hash__`` and ``__repr__`` are three functions shared by every class instead of code generated for each.

Why: ``dataclasses`` writes the source of each generated method and compiles it while the class is made (Python
3.11: one ``exec`` per method). A frozen dataclass costs six (``__init__``, ``__repr__``, ``__eq__``, ``__hash__``,
``__setattr__``, ``__delattr__``), and the report model's classes are made at every start: about half of their
import time was these compiles. ``__init__`` and the frozen ``__setattr__``/``__delattr__`` stay generated; the
other three are the same for every class once the field names are known, so they are written here once.

Behaviour is the generated methods' own (``tests/unit/test_values.py`` compares them with ``@dataclass(frozen=True)``
twins): ``__eq__`` compares the tuples of the fields with ``compare=True`` when both sides are of exactly the same
class (else ``NotImplemented``); ``__hash__`` hashes the tuple of the fields ``hash`` selects (``compare`` when
``hash`` is None); ``__repr__`` is ``QualName(field=value!r, ...)`` over the fields with ``repr=True``, and ``...`` for
a value that contains itself. ``dataclasses.fields``, ``replace``, ``asdict`` and frozenness are untouched.
"""

from __future__ import annotations

import dataclasses
import reprlib
from operator import attrgetter
from typing import Any, Callable, TypeVar

T = TypeVar("T")

_COMPARE = "__value_compare__"
_HASHED = "__value_hashed__"
_SHOWN = "__value_shown__"


def _tuple_of(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving the tuple of these attributes (always a tuple, as the generated code builds one)."""
    if len(names) >= 2:
        return attrgetter(*names)
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def shared_methods(cls: type[T]) -> type[T]:
    """Give a dataclass made with ``eq=False, repr=False`` the ``__eq__``, ``__hash__`` and ``__repr__`` that
    ``@dataclass(frozen=True)`` would have generated."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or params.eq or params.repr or not params.frozen:
        raise TypeError(f"{cls.__name__}: use @dataclass(frozen=True, eq=False, repr=False) under @shared_methods")
    for name in ("__eq__", "__hash__", "__repr__"):
        if name in cls.__dict__ and not (name == "__hash__" and cls.__dict__[name] is None):
            raise TypeError(f"{cls.__name__} defines {name} itself")
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    setattr(cls, _COMPARE, staticmethod(_tuple_of([f.name for f in fields if f.compare])))
    setattr(cls, _HASHED, staticmethod(_tuple_of([f.name for f in fields
                                                  if (f.compare if f.hash is None else f.hash)])))
    setattr(cls, _SHOWN, tuple(f.name for f in fields if f.repr))
    cls.__eq__ = _eq  # type: ignore[method-assign]
    cls.__hash__ = _hash  # type: ignore[method-assign]
    cls.__repr__ = _repr  # type: ignore[method-assign]
    return cls


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key = self.__value_compare__
        return key(self) == key(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__value_hashed__(self))


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__value_shown__)
    return f"{self.__class__.__qualname__}({shown})"
