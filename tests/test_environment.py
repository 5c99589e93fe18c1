"""Project set-up files agree with each other."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib

import pytest
import yaml

from frontier import paths
from frontier.report import kernel

# cheap checks of the checkout itself: they also run in CI's pass on a clone without ../shared
pytestmark = pytest.mark.smoke


def test_environment_yml_installs_the_project_and_the_readme_says_how():
    """`conda env create -f environment.yml` installs this project (editable) with the pinned packages pyproject.toml
    lists once, so `import frontier` and the `frontier` command work in it (conda runs the pip step in the folder of
    environment.yml, the project root)."""
    py = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"] and "pip" in env["dependencies"]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip == ["-e .[test]"] and "test" in py["project"]["optional-dependencies"]
    assert py["project"]["scripts"]["frontier"] == "frontier.cli:main"
    assert py["project"]["requires-python"].startswith(">=3.11")
    readme = (paths.ROOT / "README.md").read_text()
    for command in (
        "conda env create -f environment.yml",
        "conda activate frontier",
        "python -m frontier.report.kernel install",
    ):
        assert command in readme, command


def test_readme_commands_and_ci():
    readme = (paths.ROOT / "README.md").read_text()
    assert "./run.sh reports" in readme and "./run.sh test" in readme
    ci = (paths.ROOT / ".ci" / "run").read_text()
    assert "./run.sh test" in ci


def test_notebooks_are_stored_clean():
    for nb_path in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        nb = json.loads(nb_path.read_text())
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


# ------------------------------------------------------------------------------------------ kernel and JupyterLab
def _stored_notebooks() -> list:
    return sorted([*paths.NOTEBOOKS.glob("*.ipynb"), *(paths.ROOT / "tests" / "notebooks_fixture").glob("*.ipynb")])


def test_every_notebook_stores_the_metadata_of_the_installed_kernel():
    """JupyterLab rewrites kernelspec and language_info with the running kernel's on opening: a notebook storing
    anything else is marked modified before the reader touches it."""
    for nb_path in _stored_notebooks():
        meta = json.loads(nb_path.read_text())["metadata"]
        assert meta["kernelspec"] == kernel.KERNELSPEC, nb_path
        assert meta["language_info"] == kernel.LANGUAGE_INFO, nb_path
    assert kernel.KERNELSPEC["display_name"] == kernel.kernel_json()["display_name"] == kernel.DISPLAY_NAME


def test_run_sh_installs_the_kernel_from_the_one_place_that_names_it():
    run_sh = (paths.ROOT / "run.sh").read_text()
    assert "-m frontier.report.kernel install" in run_sh
    assert "--display-name" not in run_sh and kernel.DISPLAY_NAME not in run_sh


def test_the_installed_kernel_reports_what_the_notebooks_store(tmp_path):
    """Install the kernel into a scratch prefix, start it as Jupyter does and ask it: its spec and its kernel_info
    are exactly the notebooks' stored metadata."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    # installed the way run.sh installs it: `python -m frontier.report.kernel install` (where __name__ is "__main__")
    subprocess.run([sys.executable, "-m", "frontier.report.kernel", "install", "--prefix", str(tmp_path)], check=True)
    dest = tmp_path / "share" / "jupyter" / "kernels" / kernel.NAME
    specs = KernelSpecManager(kernel_dirs=[str(dest.parent)])
    spec = specs.get_kernel_spec(kernel.NAME)
    assert spec.display_name == kernel.DISPLAY_NAME and spec.language == "python"
    assert spec.argv[spec.argv.index("-m") + 1] == "frontier.report.kernel"
    km = KernelManager(kernel_name=kernel.NAME, kernel_spec_manager=specs)
    km.start_kernel()
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        reply = kc.kernel_info(reply=True, timeout=60)
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
    assert reply["content"]["language_info"] == kernel.LANGUAGE_INFO
    assert reply["content"]["implementation"] == "ipython"


def test_language_info_is_ipythons_with_the_minor_version():
    from ipykernel.ipkernel import IPythonKernel

    ours = dict(kernel.LANGUAGE_INFO)
    theirs = dict(IPythonKernel.language_info)
    assert ours.pop("version") == "3.11" and theirs.pop("version").startswith("3.11.")
    assert ours == theirs


# ------------------------------------------------------------------------------------------------------ run.sh
def _run_sh(tmp_path, python: str, *args: str):
    """run.sh copied into an empty folder (its .venv would go there, never into the project) with PYTHON set."""
    import os
    import shutil
    import subprocess

    shutil.copy(paths.ROOT / "run.sh", tmp_path / "run.sh")
    env = {k: v for k, v in os.environ.items() if k != "PYTHON"} | {"PYTHON": python}
    return subprocess.run(
        ["bash", str(tmp_path / "run.sh"), *args], capture_output=True, text=True, env=env, timeout=60
    )


def _fake_python(tmp_path, version: str):
    """A stand-in interpreter: answers the version question with ``version``, fails anything else."""
    exe = tmp_path / f"python{version}"
    exe.write_text(f'#!/bin/sh\ncase "$1" in -c) echo {version};; *) echo "fake python: $*" >&2; exit 1;; esac\n')
    exe.chmod(0o755)
    return str(exe)


def test_run_sh_with_another_python_says_what_is_needed_in_one_line(tmp_path):
    done = _run_sh(tmp_path, _fake_python(tmp_path, "3.10"), "test")
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "needs Python 3.11" in lines[0] and "is Python 3.10" in lines[0]
    assert "PYTHON=/path/to/python3.11 ./run.sh test" in lines[0] and "Traceback" not in lines[0]
    assert not (tmp_path / ".venv").exists()
    assert "PYTHON=/path/to/python3.11 ./run.sh" in (paths.ROOT / "README.md").read_text()


def test_run_sh_with_a_missing_python_says_so_in_one_line(tmp_path):
    done = _run_sh(tmp_path, str(tmp_path / "no-such-python"))
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr
    assert "no-such-python is not a working Python" in done.stderr and "PYTHON=" in done.stderr
    assert not (tmp_path / ".venv").exists()


def test_run_sh_says_what_it_installs_before_installing(tmp_path):
    done = _run_sh(tmp_path, _fake_python(tmp_path, "3.11"), "setup")
    first, *rest = done.stderr.splitlines()
    assert first.startswith("setting up .venv (Python 3.11") and "installing frontier" in first
    assert rest and rest[0].startswith("fake python: -m venv")  # the install starts after the announcement
    assert done.returncode != 0
