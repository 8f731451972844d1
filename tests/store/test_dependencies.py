"""The store and the service stay free of server and notebook imports."""

from __future__ import annotations

import subprocess
import sys


def test_store_and_service_import_no_server_or_notebook_modules():
    code = (
        "import sys\n"
        "import jupyterlab_tracker.store.sqlalchemy_store, jupyterlab_tracker.service.tracking\n"
        "bad = [m for m in ('tornado', 'jupyter_server', 'IPython', 'ipywidgets')"
        " if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
