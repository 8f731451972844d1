"""Running code in a kernel and reading what it printed: for the tests of kernels the
server starts (zero configuration, their environment, one active run with mlflow)."""

from __future__ import annotations


class CellOutput:
    """A cell's stdout and errors, from the kernel's messages (an ``output_hook``)."""

    def __init__(self):
        self.stdout: list[str] = []
        self.errors: list[str] = []

    def __call__(self, message) -> None:
        content = message["content"]
        if message["msg_type"] == "stream" and content["name"] == "stdout":
            self.stdout.append(content["text"])
        elif message["msg_type"] == "error":
            self.errors.append("\n".join(content["traceback"]))

    def of(self, reply) -> str:
        """The stdout, once ``reply`` says the cell ran (else fail with its traceback)."""
        assert reply["content"]["status"] == "ok", "\n".join(self.errors)
        return "".join(self.stdout)


async def run_in_kernel(kernel_manager, kernel_id: str, code: str) -> str:
    """Execute ``code`` in a running kernel; return its stdout (raise on an error)."""
    client = kernel_manager.get_kernel(kernel_id).client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        output = CellOutput()
        return output.of(await client.execute_interactive(code, output_hook=output, timeout=60))
    finally:
        client.stop_channels()
