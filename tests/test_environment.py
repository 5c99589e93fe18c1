"""Project set-up files agree with each other."""

from __future__ import annotations

import json
import re
import tomllib

import pytest
import yaml

from frontier import paths

# cheap checks of the checkout itself: they also run in CI's pass on a clone without ../shared
pytestmark = pytest.mark.smoke


def test_environment_yml_and_pyproject_name_the_same_dependencies():
    py = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())
    deps = set(py["project"]["dependencies"]) | set(py["project"]["optional-dependencies"]["test"])
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert set(pip) == deps
    assert py["project"]["requires-python"].startswith(">=3.11")


def test_readme_commands_and_ci():
    readme = (paths.ROOT / "README.md").read_text()
    assert "./run.sh reports" in readme and "./run.sh test" in readme
    ci = (paths.ROOT / ".ci" / "run").read_text()
    assert "./run.sh test" in ci


def test_notebooks_are_stored_clean():
    for nb_path in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        nb = json.loads(nb_path.read_text())
        assert nb["metadata"]["kernelspec"]["name"] == "python3", nb_path
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), nb_path
        params = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(params) == 1, f"{nb_path}: one 'parameters' cell"
        src = "".join(params[0]["source"])
        assert re.search(r"^\w+: [\w\[\], |.]+ = .+#", src, re.M), f"{nb_path}: typed, commented defaults"


def test_papermill_sees_every_notebook_parameter():
    """`papermill --help-notebook` and parameter injection list every typed default, with its comment."""
    import ast

    import papermill as pm

    for nb_path in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        nb = json.loads(nb_path.read_text())
        cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
        names = [n.target.id for n in ast.parse("".join(cell["source"])).body if isinstance(n, ast.AnnAssign)]
        seen = pm.inspect_notebook(str(nb_path))
        assert names and [n for n in names if n not in seen] == [], nb_path
        assert all(seen[n]["help"] for n in names), f"{nb_path}: every parameter has a comment"
