"""The `flashdl engine …` handlers, called directly with a captured context."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from flashdl.commands import engine as commands
from flashdl.commands.context import Context
from flashdl.errors import UsageError

ROOT = Path(__file__).resolve().parents[2]


def _run(handler, **args) -> tuple[int, str]:
    out = io.StringIO()
    ctx = Context(clock=None, db_path=Path("unused.sqlite3"), stdout=out, stderr=io.StringIO())  # type: ignore[arg-type]
    namespace = argparse.Namespace(**{"json": True, "family": None, "seed": None, "params": None,
                                      "answer": None, **args})
    return handler(namespace, ctx), out.getvalue()


def test_families_json_lists_every_family() -> None:
    code, out = _run(commands.families)
    names = [row["family"] for row in json.loads(out)]
    assert code == 0 and "conv2d_forward" in names and "confusion_metrics" in names


def test_generate_json_has_contract_keys_and_is_reproducible() -> None:
    code, out = _run(commands.generate, family="conv2d_forward", seed=11)
    variant = json.loads(out)
    assert code == 0 and set(variant) == {"family", "seed", "params", "prompt", "answer", "solution"}
    assert _run(commands.generate, family="conv2d_forward", seed=11)[1] == out


def test_generate_without_seed_reports_the_seed_it_picked() -> None:
    _, out = _run(commands.generate, family="softmax")
    variant = json.loads(out)
    assert json.loads(_run(commands.generate, family="softmax", seed=variant["seed"])[1]) == variant


def test_solve_and_check_json() -> None:
    params = json.dumps({"in_channels": 3, "out_channels": 10, "kernel": [5, 5]})
    assert json.loads(_run(commands.solve, family="conv2d_param_count", params=params)[1]) == {
        "family": "conv2d_param_count", "params": json.loads(params), "answer": 760}
    code, out = _run(commands.check, family="conv2d_param_count", params=params, answer="750")
    assert code == 1 and json.loads(out) == {"correct": False, "expected": "760", "given": "750",
                                             "feedback": "expected 760, got 750", "skipped": False}
    code, out = _run(commands.check, family="conv2d_param_count", params=params, answer="(3*5*5 + 1)*10")
    assert code == 0 and json.loads(out)["correct"] is True
    code, out = _run(commands.check, family="conv2d_param_count", params=params, answer=" ")
    assert code == 1 and json.loads(out) == {"correct": False, "expected": "760", "given": "",
                                             "feedback": "", "skipped": True}


@pytest.mark.parametrize("answer, code", [("0.01005", 0), ("0.01005034", 0), ("0.01", 1), ("abc", 1), ("", 1)])
def test_engine_check_exit_codes_through_the_cli(answer: str, code: int) -> None:
    """0 when right, 1 when wrong (or not answered), 2 on bad input — DESIGN §3, second round."""
    params = json.dumps({"probs": [0.99, 0.01], "targets": [1, 0]})   # −ln 0.99 = 0.0100503
    run = subprocess.run([sys.executable, "-m", "flashdl.cli", "engine", "check", "binary_cross_entropy",
                          "--params", params, "--answer", answer], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == code, run
    bad = subprocess.run([sys.executable, "-m", "flashdl.cli", "engine", "check", "binary_cross_entropy",
                          "--params", "{", "--answer", answer], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


@pytest.mark.parametrize("handler, args", [
    (commands.generate, {"family": "nope"}),
    (commands.solve, {"family": "linear_param_count", "params": "{not json"}),
    (commands.solve, {"family": "linear_param_count", "params": "[1, 2]"}),
    (commands.solve, {"family": "linear_param_count", "params": "[" * 50_000}),
    (commands.check, {"family": "linear_param_count", "params": '{"a": ' * 50_000, "answer": "1"}),
    (commands.solve, {"family": "linear_param_count", "params": '{"in_features": 3}'}),
    (commands.check, {"family": "linear_param_count", "params": '{"in_features": -3, "out_features": 2}',
                      "answer": "1"}),
])
def test_user_errors_become_usage_errors(handler, args) -> None:
    with pytest.raises(UsageError):
        _run(handler, **args)


def test_plain_output_is_a_readable_report() -> None:
    _, out = _run(commands.generate, family="conv2d_output_size", seed=3, json=False)
    assert "Worked solution:" in out and "seed 3" in out
    _, out = _run(commands.check, family="activation_memory", json=False,
                  params='{"height": 28, "width": 28, "channels": 3}', answer="2353")
    assert out.splitlines()[0] == "wrong" and "expected: 2352" in out
    code, out = _run(commands.check, family="activation_memory", json=False,
                     params='{"height": 28, "width": 28, "channels": 3}', answer="")
    assert code == 1 and out.splitlines()[0] == "no answer" and "feedback" not in out


def test_cli_help_does_not_import_numpy() -> None:
    code = "import sys; from flashdl import cli; from flashdl.commands import engine; print('numpy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"


def test_engine_imports_neither_textual_nor_sqlalchemy() -> None:
    code = ("import sys, flashdl.engine, flashdl.engine.audit; "
            "print(any(m.split('.')[0] in ('textual', 'sqlalchemy') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"
