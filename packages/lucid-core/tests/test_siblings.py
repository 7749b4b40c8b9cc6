"""``import lucid.<sibling>`` without its distribution names the one to install.

"Not installed" is simulated in a fresh interpreter by hiding the siblings from the real
path finder (``importlib.machinery.PathFinder`` wrapped to find nothing for them), which is
what an environment without the distributions looks like to the import system, whatever the
install mode (wheel or editable).
"""

import json
import subprocess
import sys

import pytest

from lucid.siblings import SIBLINGS, SiblingHintFinder

HIDE = """
import importlib, importlib.machinery, json, sys
hidden = {hidden!r}
class Hiding:
    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if any(fullname == h or fullname.startswith(h + ".") for h in hidden):
            return None
        return importlib.machinery.PathFinder.find_spec(fullname, path, target)
sys.meta_path = [Hiding if f is importlib.machinery.PathFinder else f for f in sys.meta_path]
import lucid
results = {{}}
for statement in {statements!r}:
    try:
        exec(statement, {{}})
        results[statement] = "imported"
    except ModuleNotFoundError as exc:
        results[statement] = "ModuleNotFoundError: " + str(exc)
print(json.dumps(results))
"""
STATEMENTS = [f"import lucid.{name}" for name in sorted(SIBLINGS)] + [
    "from lucid import nn", "import lucid.nn.functional as F", "from lucid.optim import SGD"]


def run_hidden(hidden: list[str], statements: list[str]) -> dict:
    code = HIDE.format(hidden=hidden, statements=statements)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def all_hidden():
    return run_hidden([f"lucid.{name}" for name in SIBLINGS], STATEMENTS)


@pytest.mark.parametrize("name", sorted(SIBLINGS))
def test_missing_sibling_names_its_distribution(all_hidden, name):
    dist = SIBLINGS[name]
    out = all_hidden[f"import lucid.{name}"]
    assert out.startswith(f"ModuleNotFoundError: No module named 'lucid.{name}'"), out
    assert f"pip install {dist}" in out and f"pip install packages/{dist}" in out


@pytest.mark.parametrize("statement", STATEMENTS[-3:])
def test_from_import_and_submodule_give_the_hint_too(all_hidden, statement):
    dist = "lucid-optim" if "optim" in statement else "lucid-nn"
    assert f"pip install {dist}" in all_hidden[statement], all_hidden[statement]


def test_installed_siblings_and_unknown_names_untouched():
    assert SiblingHintFinder.find_spec("lucid.not_a_sibling") is None
    assert SiblingHintFinder.find_spec("numpy") is None
    assert SiblingHintFinder.find_spec("lucidity.nn") is None
    assert sys.meta_path.count(SiblingHintFinder) == 1  # appended once, last resort
    assert run_hidden([], ["import lucid.nn"]) == {"import lucid.nn": "imported"}
    with pytest.raises(ModuleNotFoundError, match="No module named 'lucid.nosuch'"):
        import lucid.nosuch  # noqa: F401
