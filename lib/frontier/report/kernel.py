"""The notebooks' Jupyter kernel: its name, display name and language info, decided here once.

JupyterLab rewrites a notebook's ``kernelspec`` and ``language_info`` metadata with the running kernel's as soon as
the notebook opens, and a notebook whose stored values differ is marked modified (closing asks to save, saving makes
a git diff). So ``run.sh`` installs this kernel (``python -m frontier.report.kernel install``) and every notebook stores
exactly :data:`NOTEBOOK_METADATA` (tests/test_environment.py checks both). The kernel is IPython's, reporting the
language version as major.minor ("3.11") instead of the patch level, so the stored metadata is the same on every
machine with Python 3.11.

    python -m frontier.report.kernel install [--prefix DIR]   # DIR: default the running Python's prefix (the venv)
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["DISPLAY_NAME", "KERNELSPEC", "LANGUAGE_INFO", "NAME", "NOTEBOOK_METADATA", "install", "kernel_json"]

NAME = "python3"
"""The kernel name notebooks, papermill and the report runner ask for."""
DISPLAY_NAME = "Python 3 (frontier)"
"""What JupyterLab shows in its launcher and kernel picker."""
KERNELSPEC: dict[str, object] = {"display_name": DISPLAY_NAME, "language": "python", "name": NAME}
LANGUAGE_INFO: dict[str, object] = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
    "version": f"{sys.version_info[0]}.{sys.version_info[1]}",
}
NOTEBOOK_METADATA = {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO}
"""The metadata every notebook in notebooks/ stores: what JupyterLab writes on opening it with this kernel."""


def kernel_json(executable: str | None = None) -> dict[str, Any]:
    """The kernel.json of this kernel: IPython's (as ipykernel writes it), started through this module."""
    from ipykernel.kernelspec import get_kernel_dict

    spec = get_kernel_dict(python_arguments=["-Xfrozen_modules=off"])
    argv = [executable or sys.executable, "-Xfrozen_modules=off", "-m", _MODULE, "-f", "{connection_file}"]
    return {**spec, "argv": argv, "display_name": DISPLAY_NAME}


def install(prefix: str | Path | None = None) -> Path:
    """Install the kernel under ``<prefix>/share/jupyter/kernels/python3`` (default: the running Python's prefix,
    i.e. the venv) and return that folder."""
    import shutil

    from ipykernel.kernelspec import RESOURCES
    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / NAME
        shutil.copytree(RESOURCES, spec)  # the logos
        (spec / "kernel.json").write_text(json.dumps(kernel_json(), indent=1) + "\n", encoding="utf-8")
        dest = KernelSpecManager().install_kernel_spec(str(spec), NAME, prefix=str(prefix or sys.prefix))
    return Path(dest)


def _launch() -> None:
    """Start the kernel (the arguments are IPython kernel's, e.g. ``-f connection.json``)."""
    from ipykernel.ipkernel import IPythonKernel
    from ipykernel.kernelapp import IPKernelApp

    class FrontierKernel(IPythonKernel):
        language_info = LANGUAGE_INFO

    IPKernelApp.launch_instance(kernel_class=FrontierKernel)


#: this module's import name, also when it runs as ``python -m`` (``__name__`` is then "__main__")
_MODULE = __spec__.name if __spec__ is not None else __name__


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["install"]:
        prefix = args[args.index("--prefix") + 1] if "--prefix" in args[:-1] else None
        print(f"installed kernel {NAME!r} ({DISPLAY_NAME}) in {install(prefix)}")
        return 0
    _launch()
    return 0


if __name__ == "__main__":
    sys.exit(main())
