"""Plain record classes for the modules every command loads.

`@dataclass` writes its `__init__`, `__repr__` and `__eq__` as source text and
compiles them each time a process starts: 1-2 ms a class, and `afi status`
loaded a dozen of them before it did any work. A class on that path writes its
`__init__` itself (compiled once, into the .pyc) and takes `__eq__` and
`__repr__` from `Plain`, which behave as a dataclass's: equal when the class
and every compared field are equal, shown as `Name(field=value, ...)`, and
unhashable. tests/test_process.py pins which classes are Plain.
"""

from __future__ import annotations

from typing import ClassVar


class Plain:
    __slots__ = ()
    # The fields, in order: what __repr__ shows and __eq__ compares.
    FIELDS: ClassVar[tuple[str, ...]] = ()
    # Fields left out of __repr__ and __eq__ (a dataclass field's repr/compare=False).
    HIDDEN: ClassVar[frozenset[str]] = frozenset()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        shown = [name for name in self.FIELDS if name not in self.HIDDEN]
        return tuple(getattr(self, n) for n in shown) == tuple(getattr(other, n) for n in shown)

    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}" for name in self.FIELDS if name not in self.HIDDEN
        )
        return f"{type(self).__qualname__}({shown})"
