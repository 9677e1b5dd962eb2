"""What every command handler gets: the moment, the database path, the streams."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from flashdl.clock import Clock, FixedClock, MomentRangeError, SystemClock, local_now, parse_moment
from flashdl.errors import UsageError

if TYPE_CHECKING:
    from flashdl.store import Store

DB_ENV = "FLASHDL_DB"
DB_FILENAME = "flashdl.sqlite3"
APP_NAME = "flashdl"


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DB_FILENAME


class Context:
    """A plain class, not a dataclass: loading the dataclasses module (and the inspect module it
    imports) would cost every command ~6 ms of its start. The streams default to sys's, as
    they are when the context is made. Without ``--db`` or FLASHDL_DB the database path is
    found on first use: ``check`` and ``engine`` never open a database, and platformdirs'
    import (~3 ms) is then not paid."""

    def __init__(self, clock: Clock, db_path: Path | None, stdout: TextIO | None = None,
                 stderr: TextIO | None = None, now_given: bool = False,
                 db_is_default: bool = False) -> None:
        self.clock = clock
        self._db_path = db_path
        self.stdout: TextIO = sys.stdout if stdout is None else stdout
        self.stderr: TextIO = sys.stderr if stderr is None else stderr
        self.now_given = now_given
        self.db_is_default = db_is_default

    @property
    def db_path(self) -> Path:
        """The database named by ``--db`` or FLASHDL_DB, else the default one in the user's data folder."""
        if self._db_path is None:
            self._db_path = default_db_path()
        return self._db_path

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Context:
        local_now()  # a local zone datetime cannot hold is refused before anything is opened
        now_text = getattr(args, "now", None)
        clock: Clock
        if now_text is not None:  # given, even as "": an empty --now is a mistake, not "now"
            try:
                clock = FixedClock(parse_moment(now_text))
            except MomentRangeError as error:
                raise UsageError(f"--now: {error}") from None
            except ValueError:
                raise UsageError(f"--now: {now_text!r} is not an ISO-8601 date and time") from None
        else:
            clock = SystemClock()
        db_arg = getattr(args, "db", None)
        if db_arg is not None and not db_arg.strip():
            raise UsageError("--db: an empty path; name the database file")
        db_text = db_arg or os.environ.get(DB_ENV)  # an empty FLASHDL_DB counts as unset
        if db_text and db_text.endswith(("/", os.sep)):  # Path() drops the slash: a file was made
            where = "--db" if db_arg else DB_ENV
            raise UsageError(f"{where}: {db_text!r} names a folder; name the database file in it "
                             f"(e.g. {db_text}{DB_FILENAME})")
        db_path = Path(db_text).expanduser() if db_text else None
        return cls(clock=clock, db_path=db_path, now_given=now_text is not None,
                   db_is_default=not db_text)

    def now(self) -> datetime:
        return self.clock.now()

    def open_store(self, *, session: bool = False) -> Store:
        """The database at ``db_path``, created and upgraded as needed (imports SQLAlchemy).

        The default database's folder is created; an explicitly named path's
        missing folder is an error (a typo must not make directories).
        ``session``: a command that writes (review, import, study) - the
        daily automatic backup is made first when due (``flashdl.store.backup``).
        """
        from flashdl.store import open_store

        return open_store(self.db_path, create_folder=self.db_is_default, backup=session)
