"""Process behaviour: SIGKILL mid-batch, two writers at once, a light ``--help`` and light read commands."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_helpers import NOW, REPO, deck_text, flashdl_process, run

CARDS = 100
KILLS = 6  # processes killed mid-batch, each at a random point
DAYS = 30  # a batch: every card once a day, for DAYS days


@pytest.fixture
def template(tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path_factory.mktemp("template")
    deck = folder / "big.yaml"
    deck.write_text(deck_text("big", CARDS))
    db = folder / "flashdl.sqlite3"
    code, _out, err = run(capsys, "--db", str(db), "import", str(deck), "--now", NOW)
    assert code == 0, err
    return db


def write_batch(path: Path, cards: range, days: int = DAYS, seed: int = 0) -> int:
    rng = random.Random(seed)
    start = datetime(2024, 3, 1, 10, tzinfo=UTC)
    lines = []
    for day in range(days):
        for card in cards:
            at = start + timedelta(days=day, seconds=card)
            lines.append(json.dumps({"card": f"big/{card:03d}", "grade": rng.randint(0, 5),
                                     "at": at.isoformat()}))
    path.write_text("\n".join(lines) + "\n")
    return len(lines)


def logged(db: Path) -> list[tuple[str, int, int]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT d.slug || '/' || c.slug, r.grade, r.reviewed_ms FROM review_log r "
            "JOIN card c ON c.id = r.card_id JOIN deck d ON d.id = c.deck_id ORDER BY r.id"
        ).fetchall()
    finally:
        con.close()


@pytest.mark.slow   # starts and kills processes (4 s)
def test_sigkill_mid_batch_loses_nothing_committed(template: Path, tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    write_batch(batch, range(1, CARDS + 1))
    rng = random.Random(1)
    for runs in range(1, KILLS + 1):
        db = tmp_path / f"run{runs}.sqlite3"
        shutil.copy(template, db)
        stop_after = rng.randint(1, 800)
        proc = flashdl_process("--db", str(db), "review", "--batch", str(batch), "--json")
        printed = []
        assert proc.stdout is not None
        for line in proc.stdout:
            printed.append(json.loads(line))
            if len(printed) >= stop_after:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()  # type: ignore[union-attr]
        assert proc.returncode == -signal.SIGKILL, f"batch finished before the kill (run {runs})"
        rows = logged(db)
        # Every line printed is durable, in order; at most the reviews after it may be lost.
        assert len(rows) >= len(printed)
        for result, (card, grade, ms) in zip(printed, rows):
            at = datetime.fromisoformat(result["reviewed_at"])
            assert (result["card"], result["grade"], int(at.timestamp() * 1000)) == (card, grade, ms)
        con = sqlite3.connect(db)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        con.close()


@pytest.mark.slow   # starts processes (2 s)
def test_two_processes_review_one_database(template: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    count = write_batch(first, range(1, 51), days=40, seed=1)
    count += write_batch(second, range(51, 101), days=40, seed=2)
    procs = [
        flashdl_process("--db", str(template), "review", "--batch", str(path), "--json")
        for path in (first, second)
    ]
    outputs = [proc.communicate(timeout=60) for proc in procs]
    for proc, (_out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert err == ""
    assert sum(len(out.splitlines()) for out, _ in outputs) == count
    assert len(logged(template)) == count


HEAVY = ("textual", "numpy", "sqlalchemy", "argcomplete")  # argcomplete: only at a tab press


def test_help_and_command_modules_import_nothing_heavy() -> None:
    # How fast --help returns is measured in benchmarks/bench_cli_startup.py;
    # what keeps it fast is that nothing heavy is imported before a command runs.
    code = (
        "import sys\n"
        "from flashdl.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "import flashdl.commands.decks, flashdl.commands.review, flashdl.commands.transfer\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules], file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                            check=True)
    assert result.stderr.strip() == "[]"


READ_COMMANDS = [
    ("decks",), ("decks", "--json"), ("due",), ("due", "--json"), ("show", "big/001"),
    ("show", "big/002", "--json"), ("stats", "--json"), ("stats",),
    ("review", "--card", "big/003", "--grade", "4"),  # writes, and still needs none of them
]


# Modules the read commands do without, ms each at every start: the deck reader, the default
# database's path, and decimal (2 ms; the engine's precision needs it), which the store's search
# imported for every command until it imported it itself (a browse search with prop:ease).
READ_ONLY_SPARES = ("yaml", "platformdirs", "decimal")


def loaded_heavy(*argv: str, spares: tuple[str, ...] = ("yaml", "platformdirs")) -> tuple[list[str], str]:
    """Run ``flashdl ARGV`` in a fresh interpreter: (heavy modules it imported, its stdout).

    Without FLASHDL_DB, so a command not given ``--db`` would find the default database's
    path (``platformdirs``) if it asked for it."""
    code = (
        "import sys\n"
        "from flashdl.cli import main\n"
        f"code = main({list(argv)!r})\n"
        f"print([m for m in {HEAVY + spares!r} if m in sys.modules], file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    env = {name: value for name, value in os.environ.items() if name != "FLASHDL_DB"}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stderr.strip().splitlines()[-1].replace("'", '"')), result.stdout


@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
def test_read_commands_on_a_current_database_import_nothing_heavy(template: Path, command: tuple[str, ...]) -> None:
    # Issue 17: opening a database already at the current schema reads PRAGMA user_version with
    # sqlite3 alone; SQLAlchemy is imported only to create or upgrade a schema (tests/store).
    heavy, out = loaded_heavy("--db", str(template), "--now", NOW, *command, spares=READ_ONLY_SPARES)
    assert heavy == []
    assert out.strip()  # the command did its work


@pytest.mark.parametrize("command", [("decks",), ("decks", "--json"), ("due",), ("due", "--json")], ids=" ".join)
def test_deck_list_and_due_define_no_study_session_views(template: Path, command: tuple[str, ...]) -> None:
    # Issue 17: `decks` and `due` are what scripts and status bars call; the study session's
    # thirteen view models (services/views.py, ~5 ms of frozen-dataclass creation) are not theirs.
    code = (
        "import sys\n"
        "from flashdl.cli import main\n"
        f"code = main({['--db', str(template), '--now', NOW, *command]!r})\n"
        "print('flashdl.services.views' in sys.modules, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "False"
    assert result.stdout.strip()


def test_check_of_a_deck_without_computed_cards_loads_no_engine(tmp_path: Path) -> None:
    deck = tmp_path / "plain.yaml"
    deck.write_text(deck_text("plain", 5))
    heavy, out = loaded_heavy("check", str(deck))
    # The deck is parsed; numpy comes only with a computed card, and the default database's path
    # is never looked up (check opens no database).
    assert heavy == ["yaml"]
    assert "5 cards, 0 errors" in out


COMPUTED_DECK = """id: calc
name: Computed
cards:
  - id: size
    front: 'Output size of $\\frac{W - F + 2P}{S} + 1$?'
    back: 'Use $\\lfloor x \\rfloor$.'
    engine:
      family: conv2d_output_size
      params: {input: [7, 7], kernel: [3, 3], padding: 1, stride: 2}
"""
# What `show` of a computed card does not need (issue 17): it poses and solves the exercise but
# checks no typed answer (the answer parsers, `pickle` of the params cache), and it needs the media
# folder's path, not the Anki package machinery, nor the source-document parsers; of the families
# only the card's own module (`flashdl.engine.registry.MODULE_OF`), of the services' views only
# the card's (`services/card_views.py`), of the presentation only the card's rows (`card_rows.py`).
NOT_FOR_SHOW = (
    "pickle", "zipfile", "flashdl.engine.answer_parse", "flashdl.engine.array_parse",
    "flashdl.services.exchange.media", "flashdl.formats.anki_package", "flashdl.formats.source_formats",
    "flashdl.formats.flashcard_text", "flashdl.services.views", "flashdl.engine.families.param_counts",
    "flashdl.engine.families.conv_backward", "flashdl.engine.families.sequence_params",
    "flashdl.presentation.view_models",
)


@pytest.mark.parametrize("json_flag", [(), ("--json",)], ids=["text", "json"])
def test_show_of_a_computed_card_imports_no_answer_checking(tmp_path: Path, json_flag: tuple[str, ...]) -> None:
    deck = tmp_path / "calc.yaml"
    deck.write_text(COMPUTED_DECK)
    db = tmp_path / "flashdl.sqlite3"
    subprocess.run([sys.executable, "-m", "flashdl.cli", "--db", str(db), "import", str(deck), "--now", NOW],
                   cwd=REPO, check=True, capture_output=True)
    code = (
        "import sys\n"
        "from flashdl.cli import main\n"
        f"code = main({['--db', str(db), '--now', NOW, 'show', 'calc/size', *json_flag]!r})\n"
        f"print([m for m in {HEAVY + ('yaml',) + NOT_FOR_SHOW!r} if m in sys.modules], file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "[]"
    assert "worked solution" in result.stdout or '"example"' in result.stdout  # the engine did run


ENGINE_COMMANDS = [
    ("engine", "families"), ("engine", "generate", "conv2d_output_size", "--seed", "1"),
    ("engine", "generate", "roc_points", "--seed", "2", "--json"),
    ("engine", "solve", "binary_cross_entropy", "--params", "{\"probs\": [0.5, 0.1], \"targets\": [0, 1]}"),
]


@pytest.mark.parametrize("command", ENGINE_COMMANDS, ids=" ".join)
def test_engine_commands_of_scalar_families_import_nothing_heavy(command: tuple[str, ...]) -> None:
    # Issue 17: the families draw numpy's stream in plain Python (flashdl/engine/pcg_random.py);
    # numpy is imported only when an array family (convolution, pooling) solves; no database,
    # so no default database path (platformdirs) either.
    heavy, out = loaded_heavy(*command)
    assert heavy == []
    assert out.strip()


ARRAY_FAMILIES = ("conv2d_forward", "true_conv2d_forward", "conv2d_backward", "conv_transpose2d_forward",
                  "maxpool2d_forward", "maxpool2d_backward")


@pytest.mark.parametrize("family", ARRAY_FAMILIES)
def test_array_families_solve_without_numpy(family: str) -> None:
    # Issue 17: integer arrays (every generated card, every bundled deck) are solved in plain
    # Python (flashdl/engine/array_ops.py); generate, then solve and check what was generated.
    heavy, out = loaded_heavy("engine", "generate", family, "--seed", "3", "--json")
    assert heavy == []
    variant = json.loads(out)
    params, answer = json.dumps(variant["params"]), json.dumps(variant["answer"])
    if isinstance(variant["answer"], dict):   # conv2d_backward: labelled parts, as a student types them
        answer = "  ".join(f"{part}: {json.dumps(value)}" for part, value in variant["answer"].items())
    heavy, out = loaded_heavy("engine", "solve", family, "--params", params, "--json")
    assert heavy == [] and json.loads(out)["answer"] == variant["answer"]
    heavy, out = loaded_heavy("engine", "check", family, "--params", params, "--answer", answer)
    assert heavy == [] and out.startswith("correct")


def test_an_array_family_with_float_params_still_solves_with_numpy() -> None:
    # A float entry: numpy's BLAS-rounded sums are the reference (flashdl/engine/array_ops.py).
    params = json.dumps({"input": [[1.5, 2], [3, 4]], "kernel": [[1, 0.25], [0, 1]]})
    heavy, out = loaded_heavy("engine", "solve", "conv2d_forward", "--params", params)
    assert heavy == ["numpy"]
    assert out.strip()


@pytest.mark.parametrize("deck", sorted((REPO / "cards").glob("*.yaml")), ids=lambda path: path.name)
def test_check_of_a_bundled_deck_imports_no_numpy(deck: Path) -> None:
    heavy, out = loaded_heavy("check", str(deck))
    assert "numpy" not in heavy and "textual" not in heavy and "sqlalchemy" not in heavy
    assert " 0 errors" in out
