"""Closing the store while another thread reads it: the terminal UI closes the store when it
quits, while a worker thread may still be reading (a practice run starting, the statistics
loading). The close went ahead under the running query: the worker failed with "Cannot operate
on a closed database", or the process died of a segmentation fault when the close freed a
statement the worker was stepping through. Now the close waits for the open transaction.

Run in a subprocess: the failure this guards against can kill the process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys, threading, time
from pathlib import Path
from flashdl.store import open_store

store = open_store(Path(sys.argv[1]))
rows, errors = [], []
started = threading.Event()

def reader():
    try:
        with store.read() as tx:
            query = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200) "
                     "SELECT x FROM c")
            for (x,) in tx.db.execute(query):
                started.set()
                rows.append(x)
                time.sleep(0.002)
    except Exception as error:
        errors.append(f"{type(error).__name__}: {error}")
        started.set()

thread = threading.Thread(target=reader)
thread.start()
started.wait()
store.close()  # the app quitting, on the UI thread
thread.join()
print(len(rows), errors)
"""


def test_close_waits_for_a_read_another_thread_has_open(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "f.sqlite3")], cwd=repo,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (done.returncode, done.stderr)
    assert done.stdout.split("\n")[0] == "200 []", done.stdout  # every row of 1..200, no error
