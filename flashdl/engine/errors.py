"""The engine's own error types, so callers can tell a bad card from a bug."""

from __future__ import annotations


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class EngineParamsError(EngineError, ValueError):
    """Params given by a user or a deck do not describe a valid problem."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"param {param!r}: {message}")
        self.param = param
        self.detail = message


class UnknownFamilyError(EngineError, LookupError):
    """A family name that the registry does not know."""

    def __init__(self, name: str, valid: list[str]) -> None:
        super().__init__(f"unknown engine family {name!r}; valid families: {', '.join(valid)}")
        self.name = name
        self.valid = valid

    def __str__(self) -> str:  # LookupError would quote the message otherwise
        return str(self.args[0])


class AnswerParseError(EngineError, ValueError):
    """A typed answer that cannot be read as the kind of answer expected."""
