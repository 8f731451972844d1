"""System metrics: CPU, memory, disk, network (and GPUs through NVML) as ``system/...``.

Names, units and step semantics are MLflow's (``mlflow/system_metrics``): every sample is
logged at the next step, from 0, with the prefix ``system/``; network I/O counts from when
the monitor started. ``system/process_rss_megabytes`` (the run's own process) is jt's
addition (docs/mlflow-compatibility.md). One daemon thread per monitored run takes a
sample every ``interval`` seconds and hands it to the client's metric buffer: sampling
never makes an HTTP call of its own (the buffer's writer thread writes the points).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from ..errors import invalid

log = logging.getLogger(__name__)

PREFIX = "system/"
DEFAULT_INTERVAL = 10.0  # seconds, as MLflow's sampling_interval
INTERVAL_ENV = "JUPYTERLAB_TRACKER_SYSTEM_METRICS_INTERVAL"
ENABLE_ENV = "JUPYTERLAB_TRACKER_ENABLE_SYSTEM_METRICS_LOGGING"
MEGABYTE = 1e6  # MLflow divides by 1e6, not 2**20

# (metrics, step) -> None: where samples go (the client's buffered log_metrics).
LogMetrics = Callable[[dict[str, float], int], None]


def interval_from_env() -> float:
    """``$JUPYTERLAB_TRACKER_SYSTEM_METRICS_INTERVAL`` (seconds), else 10."""
    text = os.environ.get(INTERVAL_ENV, "").strip()
    return validate_interval(float(text) if text else DEFAULT_INTERVAL, INTERVAL_ENV)


def validate_interval(interval: float, what: str = "sampling interval") -> float:
    try:
        seconds = float(interval)
    except (TypeError, ValueError):
        raise invalid(f"{what} must be a number of seconds, got {interval!r}") from None
    if not seconds > 0:
        raise invalid(f"{what} must be more than 0 seconds, got {interval!r}")
    return seconds


def enabled_by_env(default: bool = False) -> bool:
    """``$JUPYTERLAB_TRACKER_ENABLE_SYSTEM_METRICS_LOGGING`` (true: 1/true/yes), else
    ``default`` when it is unset or empty."""
    text = os.environ.get(ENABLE_ENV, "").strip().lower()
    return text in ("1", "true", "yes") if text else default


class SystemSampler:
    """Reads one sample: ``sample()`` -> {MLflow's name without the prefix: value}."""

    def __init__(self, nvml=None):
        import psutil

        self._psutil = psutil
        self._process = psutil.Process()
        network = psutil.net_io_counters()
        self._initial_receive = network.bytes_recv / MEGABYTE if network else 0.0
        self._initial_transmit = network.bytes_sent / MEGABYTE if network else 0.0
        psutil.cpu_percent()  # the first call only starts the measurement
        self._gpus = GpuSampler.open(nvml)

    def sample(self) -> dict[str, float]:
        psutil = self._psutil
        memory = psutil.virtual_memory()
        disk = psutil.disk_usage(os.sep)
        values = {
            "cpu_utilization_percentage": psutil.cpu_percent(),
            "system_memory_usage_megabytes": memory.used / MEGABYTE,
            "system_memory_usage_percentage": memory.used / memory.total * 100,
            "disk_usage_percentage": disk.percent,
            "disk_usage_megabytes": disk.used / MEGABYTE,
            "disk_available_megabytes": disk.free / MEGABYTE,
            "process_rss_megabytes": self._process.memory_info().rss / MEGABYTE,
        }
        network = psutil.net_io_counters()
        if network is not None:
            values["network_receive_megabytes"] = (
                network.bytes_recv / MEGABYTE - self._initial_receive
            )
            values["network_transmit_megabytes"] = (
                network.bytes_sent / MEGABYTE - self._initial_transmit
            )
        if self._gpus is not None:
            values.update(self._gpus.sample())
        return values


class GpuSampler:
    """Per GPU utilisation, memory, power (MLflow's names) and temperature (jt's addition)
    through NVML (``pynvml``, from nvidia-ml-py)."""

    def __init__(self, nvml):
        self._nvml = nvml
        self._handles = [
            nvml.nvmlDeviceGetHandleByIndex(i) for i in range(nvml.nvmlDeviceGetCount())
        ]

    @classmethod
    def open(cls, nvml=None) -> GpuSampler | None:
        """A sampler when NVML is importable and finds a GPU, else None (no GPU metrics)."""
        if nvml is None:
            try:
                import pynvml as nvml  # type: ignore[import-not-found,no-redef]
            except ImportError:
                return None
        try:
            nvml.nvmlInit()
            sampler = cls(nvml)
        except Exception as exc:  # NVMLError: no driver, no GPU
            log.debug("jupyterlab_tracker: no GPU metrics: %s", exc)
            return None
        return sampler if sampler._handles else None

    def sample(self) -> dict[str, float]:
        nvml, values = self._nvml, {}
        for i, handle in enumerate(self._handles):
            name = f"gpu_{i}_"
            try:
                memory = nvml.nvmlDeviceGetMemoryInfo(handle)
                values[name + "memory_usage_percentage"] = round(
                    memory.used / memory.total * 100, 1
                )
                values[name + "memory_usage_megabytes"] = memory.used / MEGABYTE
                values[name + "utilization_percentage"] = nvml.nvmlDeviceGetUtilizationRates(
                    handle
                ).gpu
                milliwatts = nvml.nvmlDeviceGetPowerUsage(handle)
                limit = nvml.nvmlDeviceGetEnforcedPowerLimit(handle)
                values[name + "power_usage_watts"] = milliwatts / 1000
                values[name + "power_usage_percentage"] = milliwatts / limit * 100
                values[name + "temperature_celsius"] = nvml.nvmlDeviceGetTemperature(
                    handle, nvml.NVML_TEMPERATURE_GPU
                )
            except Exception as exc:  # one failing reading must not stop the others
                log.debug("jupyterlab_tracker: GPU %d metrics failed: %s", i, exc)
        return values


class SystemMetricsMonitor:
    """Samples every ``interval`` seconds on one daemon thread until ``stop()``; each sample
    goes to ``log_metrics`` at steps 0, 1, 2, ... (MLflow's ``resume_logging=False``)."""

    def __init__(self, log_metrics: LogMetrics, interval: float, sampler: SystemSampler):
        self.interval = validate_interval(interval)
        self._log_metrics = log_metrics
        self._sampler = sampler
        self._stop = threading.Event()
        self._step = 0
        self._thread = threading.Thread(
            target=self._loop, name="tracker-system-metrics", daemon=True
        )

    def start(self) -> SystemMetricsMonitor:
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def sample_once(self) -> None:
        metrics = {PREFIX + key: value for key, value in self._sampler.sample().items()}
        self._log_metrics(metrics, self._step)
        self._step += 1

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.sample_once()
            except Exception as exc:  # never kill training over a missed sample
                log.warning("jupyterlab_tracker: system metrics sample failed: %s", exc)

    def stop(self) -> None:
        """Stop sampling and wait for the thread (a sample in progress finishes first)."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()
