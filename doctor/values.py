"""``@value_type``: a frozen dataclass whose ``__eq__``, ``__hash__``, ``__repr__`` and frozen ``__setattr__`` and
``__delattr__`` are not compiled for each class.

Why: ``dataclasses`` writes the source of each generated method and compiles it while the class is made (Python
3.11: one ``exec`` per method). A frozen dataclass costs six (``__init__``, ``__repr__``, ``__eq__``, ``__hash__``,
``__setattr__``, ``__delattr__``), and the report model's classes are made at every start: about half of their
import time was these compiles (measured on ``model.py``: 4.4 ms with ``frozen=True``, 2.3 ms without). Only
``__init__`` stays generated; ``__eq__``, ``__hash__`` and ``__repr__`` are the same for every class once the field
names are known, so they are written here once, and the frozen pair are closures made per class (no compile).

Behaviour is the generated methods' own (``tests/unit/test_values.py`` compares them with ``@dataclass(frozen=True)``
twins): ``__eq__`` compares the tuples of the fields with ``compare=True`` when both sides are of exactly the same
class (else ``NotImplemented``); ``__hash__`` hashes the tuple of the fields ``hash`` selects (``compare`` when
``hash`` is None); ``__repr__`` is ``QualName(field=value!r, ...)`` over the fields with ``repr=True``, and ``...`` for
a value that contains itself; assigning or deleting a field (or any attribute of the class itself) raises
``FrozenInstanceError``, and ``__dataclass_params__.frozen`` is True. ``dataclasses.fields``, ``replace`` and
``asdict`` are untouched. Type checkers read ``@value_type`` as ``@dataclass(frozen=True)`` (``dataclass_transform``).
"""

from __future__ import annotations

import copy
import dataclasses
import reprlib
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Callable, TypeVar

T = TypeVar("T")

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_: Any) -> Callable[[T], T]:
        return lambda f: f

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


@dataclass_transform(frozen_default=True, eq_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def value_type(cls: type[T]) -> type[T]:
    """``@dataclass(frozen=True)`` without the per-class compiles (see the module's docstring)."""
    for name in ("__eq__", "__hash__", "__repr__", "__setattr__", "__delattr__"):
        if name in cls.__dict__ and not (name == "__hash__" and cls.__dict__[name] is None):
            raise TypeError(f"{cls.__name__} defines {name} itself")
    made: Any = dataclasses.dataclass(init=False, eq=False, repr=False)(cls)
    fields = dataclasses.fields(made)
    if "__init__" not in cls.__dict__:
        made.__init__ = _frozen_init(made, fields)
    setattr(made, _COMPARE, staticmethod(_tuple_of([f.name for f in fields if f.compare])))
    setattr(made, _HASHED, staticmethod(_tuple_of([f.name for f in fields
                                                   if (f.compare if f.hash is None else f.hash)])))
    setattr(made, _SHOWN, tuple(f.name for f in fields if f.repr))
    made.__eq__ = _eq
    made.__hash__ = _hash
    made.__repr__ = _repr
    names = frozenset(f.name for f in fields)

    # What dataclasses generates for frozen=True, as closures over the class and its field names.
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is made or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(made, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is made or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(made, self).__delattr__(name)

    for method in (__setattr__, __delattr__):
        method.__qualname__ = f"{made.__qualname__}.{method.__name__}"
        setattr(made, method.__name__, method)
    params = copy.copy(made.__dataclass_params__)
    params.init = params.eq = params.repr = params.frozen = True  # as @dataclass(frozen=True) says of itself
    made.__dataclass_params__ = params
    return made  # type: ignore[no-any-return]


# dataclasses' own marker where it has one, so that the signature reads as the generated one (``=<factory>``).
_HAS_DEFAULT_FACTORY: Any = getattr(dataclasses, "_HAS_DEFAULT_FACTORY", object())


def _frozen_init(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    """The ``__init__`` that ``@dataclass(frozen=True)`` generates (one compile, as there): each field set with
    ``object.__setattr__``, defaults and default factories as there. What it does not cover is refused."""
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: __post_init__ is not supported by @value_type")
    params: list[str] = []
    body: list[str] = []
    names: dict[str, Any] = {"__value_setattr__": object.__setattr__, "__value_factory__": _HAS_DEFAULT_FACTORY}
    seen_default = False
    for i, f in enumerate(fields):
        if not f.init or getattr(f, "kw_only", False) or not f.name.isidentifier():
            raise TypeError(f"{cls.__name__}.{f.name}: init=False and kw_only fields are not supported by @value_type")
        if f.default is not dataclasses.MISSING:
            names[f"__value_default_{i}__"] = f.default
            params.append(f"{f.name}=__value_default_{i}__")
            value = f.name
        elif f.default_factory is not dataclasses.MISSING:
            names[f"__value_default_{i}__"] = f.default_factory
            params.append(f"{f.name}=__value_factory__")
            value = f"__value_default_{i}__() if {f.name} is __value_factory__ else {f.name}"
        else:
            if seen_default:
                raise TypeError(f"non-default argument {f.name!r} follows default argument")
            params.append(f.name)
            value = f.name
        seen_default = seen_default or f.default is not dataclasses.MISSING \
            or f.default_factory is not dataclasses.MISSING
        body.append(f"  __value_setattr__(self, {f.name!r}, {value})")
    source = f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(body) or "  pass") + "\n"
    namespace: dict[str, Any] = {}
    exec(source, names, namespace)  # noqa: S102 - the source is made above from field names (identifiers) only
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {**{f.name: f.type for f in fields}, "return": None}
    return init


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
