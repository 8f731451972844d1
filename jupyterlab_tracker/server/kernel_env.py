"""Environment variables for the kernels this server starts (zero-configuration tracking).

They go to kernels only, never into the server's own ``os.environ`` (which would leak into
everything else the process runs, tests included): the kernel manager's ``start_kernel``
is wrapped so that its ``env`` argument carries them. Restarts reuse a kernel's launch
arguments, so a restarted kernel keeps them.
"""

from __future__ import annotations

import os
from collections.abc import Callable

_LOOPBACK_OR_ANY = ("", "*", "0.0.0.0", "::", "localhost", "127.0.0.1")


def server_url(serverapp) -> str | None:
    """This server as a kernel on the same machine reaches it; None on a Unix socket."""
    if getattr(serverapp, "sock", ""):
        return None
    host = serverapp.ip if serverapp.ip not in _LOOPBACK_OR_ANY else "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    scheme = "https" if getattr(serverapp, "certfile", "") else "http"
    return f"{scheme}://{host}:{serverapp.port}{serverapp.base_url}"


def add_kernel_env(kernel_manager, variables: Callable[[], dict[str, str]]) -> None:
    """Give every kernel ``kernel_manager`` starts from now on ``variables()`` (read at
    start time: the port is known only once the server listens)."""
    start_kernel = kernel_manager.start_kernel

    async def start_kernel_with_env(*args, **kwargs):
        extra = variables()
        if extra:
            # No ``env`` means the kernel inherits os.environ: keep that, then add ours.
            kwargs["env"] = {**(kwargs.get("env") or os.environ), **extra}
        return await start_kernel(*args, **kwargs)

    kernel_manager.start_kernel = start_kernel_with_env
