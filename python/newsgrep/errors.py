"""Exceptions: one class per libnewsgrep error code (NG_E* in newsgrep.h).

Every exception carries the library's ``code`` (a negative int), its
symbolic ``name`` ("NG_ECORRUPT") and the handle's detailed ``message``
(path, errno, query position). All derive from :class:`NewsgrepError`; most
also derive from the matching built-in (``ValueError``, ``OSError``,
``MemoryError``, ``LookupError``) so generic handlers keep working.
"""

from __future__ import annotations

from typing import Optional

from ._ffi import ffi, lib


class NewsgrepError(Exception):
    """A libnewsgrep call failed. ``code``, ``name``, ``message``."""

    code: int = 0

    def __init__(self, message: str, code: Optional[int] = None) -> None:
        if code is not None:
            self.code = code
        self.name = ffi.string(lib.ng_error_name(self.code)).decode()
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.message} [{self.name}]"

    def __reduce__(self):
        # Crosses process boundaries (Dask workers) with code and attributes.
        return (_rebuild, (type(self), self.message, self.code, dict(self.__dict__)))


def _rebuild(cls, message, code, state):
    e = NewsgrepError.__new__(cls)
    NewsgrepError.__init__(e, message, code)
    e.__dict__.update(state)
    return e


class OutOfMemoryError(NewsgrepError, MemoryError):
    code = -1


class InvalidArgumentError(NewsgrepError, ValueError):
    code = -2


class IndexIOError(NewsgrepError, OSError):
    code = -3


class CorruptIndexError(NewsgrepError):
    code = -4


class IndexLockedError(NewsgrepError):
    code = -5


class NotFoundError(NewsgrepError, LookupError):
    code = -6


class QuerySyntaxError(NewsgrepError, ValueError):
    """A query does not parse; ``offset`` is the byte offset of the problem."""

    code = -7
    offset: Optional[int] = None


class LimitExceededError(NewsgrepError, ValueError):
    code = -8


class VersionError(NewsgrepError):
    code = -9


class NoIndexError(NewsgrepError, FileNotFoundError):
    code = -10


class LanguageError(NewsgrepError, ValueError):
    code = -11


class StateError(NewsgrepError):
    """The handle is unusable after an earlier error (writer errors are sticky)."""

    code = -12


class DocumentError(NewsgrepError, ValueError):
    code = -13


class ClosedError(StateError):
    """The Index or Reader was closed; open a new one."""


BY_CODE = {cls.code: cls for cls in (
    OutOfMemoryError, InvalidArgumentError, IndexIOError, CorruptIndexError,
    IndexLockedError, NotFoundError, QuerySyntaxError, LimitExceededError,
    VersionError, NoIndexError, LanguageError, StateError, DocumentError)}


def error_for(code: int, detail: Optional[str] = None,
              context: str = "") -> NewsgrepError:
    """The exception for a library return code, with the handle's detail."""
    cls = BY_CODE.get(code, NewsgrepError)
    text = detail or ffi.string(lib.ng_strerror(code)).decode()
    if context:
        text = f"{context}: {text}"
    return cls(text, code)
