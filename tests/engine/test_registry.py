"""The family registry's name-to-module table against the family modules themselves (issue 17)."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import flashdl.engine.families as families_package
from flashdl.engine import FAMILIES, UnknownFamilyError, get_family
from flashdl.engine.registry import MODULE_OF

REPO = Path(__file__).resolve().parents[2]


def defined_families() -> dict[str, str]:
    """Every family every module of the package defines, found by walking the package."""
    found: dict[str, str] = {}
    for info in pkgutil.iter_modules(families_package.__path__):
        module = importlib.import_module(f"{families_package.__name__}.{info.name}")
        for family in getattr(module, "FAMILIES", ()):
            assert family.name not in found, f"{family.name} defined twice"
            found[family.name] = info.name
    return found


def test_the_table_names_every_family_and_the_module_that_defines_it() -> None:
    assert dict(MODULE_OF) == defined_families()


def test_the_mapping_gives_each_module_s_own_family_objects() -> None:
    for name, module in MODULE_OF.items():
        family = FAMILIES[name]
        assert family.name == name
        assert family in importlib.import_module(f"flashdl.engine.families.{module}").FAMILIES
    assert len(FAMILIES) == len(MODULE_OF) and list(FAMILIES) == list(MODULE_OF)
    assert sorted(FAMILIES.items()) == sorted((name, FAMILIES[name]) for name in MODULE_OF)


@pytest.mark.parametrize("name", ["nope", "", "Conv2d_output_size", ["list"], None])
def test_an_unknown_name_is_an_unknown_family(name: object) -> None:
    with pytest.raises(UnknownFamilyError):
        get_family(name)  # type: ignore[arg-type]
    if isinstance(name, str):
        assert name not in FAMILIES
        with pytest.raises(KeyError):
            FAMILIES[name]


def test_one_family_imports_its_own_module_only() -> None:
    code = ("import sys\n"
            "from flashdl.engine import generate_variant, FAMILIES\n"
            "assert 'activation_memory' in FAMILIES and len(FAMILIES) > 20\n"
            "generate_variant('activation_memory', 3)\n"
            "print(sorted(m for m in sys.modules if m.startswith('flashdl.engine.families.')))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "['flashdl.engine.families.activation_memory']"
