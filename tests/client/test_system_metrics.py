"""System metrics: MLflow's ``system/...`` names and steps, on one thread per run that ends
with the run, through the client's metric buffer; against SQLite and a live lab server."""

from __future__ import annotations

import sys
import threading
import types

import pytest
from support.waiting import wait_until

import jupyterlab_tracker as jt
from jupyterlab_tracker.client import fluent, system_metrics
from jupyterlab_tracker.errors import TrackerError

# What mlflow/system_metrics/metrics/{cpu,disk,network}_monitor.py log, with the prefix.
MLFLOW_NAMES = {
    "system/cpu_utilization_percentage",
    "system/system_memory_usage_megabytes",
    "system/system_memory_usage_percentage",
    "system/disk_usage_percentage",
    "system/disk_usage_megabytes",
    "system/disk_available_megabytes",
    "system/network_receive_megabytes",
    "system/network_transmit_megabytes",
}
JT_ADDITIONS = {"system/process_rss_megabytes"}  # docs/mlflow-compatibility.md


@pytest.fixture
def session(monkeypatch, tmp_path):
    for name in (system_metrics.ENABLE_ENV, system_metrics.INTERVAL_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("JUPYTERLAB_TRACKER_URI", raising=False)
    monkeypatch.setenv("JUPYTERLAB_TRACKER_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    monkeypatch.setattr(fluent, "_session", fluent._Session())
    monkeypatch.setitem(sys.modules, "pynvml", None)  # no NVML here, whatever is installed
    jt.set_tracking_uri(f"sqlite:///{tmp_path}/system.db")
    yield jt
    while jt.active_run():
        jt.end_run()
    if fluent._session.client is not None:
        fluent._session.client.close()


def monitor_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "tracker-system-metrics"]


def sampled_steps(run_id: str, key: str = "system/cpu_utilization_percentage") -> list[int]:
    jt.flush()
    return [m.step for m in jt.get_metric_history(run_id, key)]


def test_a_run_with_log_system_metrics_samples_until_it_ends(session):
    jt.set_system_metrics_sampling_interval(0.02)
    before = len(monitor_threads())
    with jt.start_run(log_system_metrics=True) as run:
        run_id = run.info.run_id
        monitor = fluent.system_metrics_monitor(run_id)
        assert monitor is not None and monitor.running and monitor.interval == 0.02
        wait_until(lambda: len(sampled_steps(run_id)) >= 3, message="three samples")
    assert not monitor.running and fluent.system_metrics_monitor(run_id) is None
    assert len(monitor_threads()) == before  # the thread ended with the run
    steps = sampled_steps(run_id)
    assert steps == list(range(len(steps)))  # MLflow's steps: 0, 1, 2, ... one per sample
    finished = jt.get_run(run_id)
    assert set(finished.data.metrics) == MLFLOW_NAMES | JT_ADDITIONS  # no GPU: no gpu_ names
    metrics = finished.data.metrics
    assert 0 <= metrics["system/system_memory_usage_percentage"] <= 100
    assert metrics["system/process_rss_megabytes"] > 1  # this Python process, in MB
    assert metrics["system/disk_available_megabytes"] > 0


def test_off_by_default_and_switched_like_mlflow(session, monkeypatch):
    with jt.start_run() as run:
        assert fluent.system_metrics_monitor(run.info.run_id) is None
    jt.enable_system_metrics_logging()
    with jt.start_run() as run:
        assert fluent.system_metrics_monitor(run.info.run_id) is not None
        with jt.start_run(nested=True, log_system_metrics=False) as child:
            assert fluent.system_metrics_monitor(child.info.run_id) is None
    jt.disable_system_metrics_logging()
    monkeypatch.setenv(system_metrics.ENABLE_ENV, "true")  # the session's choice wins
    with jt.start_run() as run:
        assert fluent.system_metrics_monitor(run.info.run_id) is None
    assert not jt.system_metrics_logging_enabled(default=True)


def test_the_environment_turns_it_on_and_sets_the_interval(session, monkeypatch):
    monkeypatch.setenv(system_metrics.ENABLE_ENV, "1")
    monkeypatch.setenv(system_metrics.INTERVAL_ENV, "2.5")
    with jt.start_run() as run:
        assert fluent.system_metrics_monitor(run.info.run_id).interval == 2.5
    monkeypatch.delenv(system_metrics.INTERVAL_ENV)
    assert system_metrics.interval_from_env() == system_metrics.DEFAULT_INTERVAL == 10


def test_a_run_starts_without_system_metrics_when_psutil_fails(session, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise PermissionError("no /proc here")

    monkeypatch.setattr(system_metrics.SystemSampler, "__init__", refuse)
    with jt.start_run(log_system_metrics=True) as run:
        assert fluent.system_metrics_monitor(run.info.run_id) is None
        jt.log_metric("loss", 1.0)
    assert "no system metrics" in caplog.text and jt.get_run(run.info.run_id).data.metrics
    assert jt.active_run() is None


@pytest.mark.parametrize("bad", [0, -1, "soon", None])
def test_a_bad_interval_is_refused(session, bad):
    with pytest.raises(TrackerError) as error:
        system_metrics.validate_interval(bad)
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"
    if bad is not None:  # None means "the default" for the setter
        with pytest.raises(TrackerError):
            jt.set_system_metrics_sampling_interval(bad)


def test_samples_go_through_the_buffer_not_a_call_each(session, tmp_path):
    client = jt.TrackerClient(f"sqlite:///{tmp_path}/buffered.db")
    client._buffer.flush_interval = 3600  # the writer thread does not write on its own
    writes = []
    write = client._buffer._write_batch

    def counted(*args):
        writes.append(args)
        write(*args)

    client._buffer._write_batch = counted
    run_id = client.create_run("0", heartbeat=False).info.run_id
    monitor = system_metrics.SystemMetricsMonitor(
        lambda metrics, step: client.log_metrics(run_id, metrics, step=step),
        60,
        system_metrics.SystemSampler(),
    )
    monitor.sample_once()
    monitor.sample_once()
    assert writes == [] and len(client._buffer) == 2 * len(MLFLOW_NAMES | JT_ADDITIONS)
    client.flush()
    assert len(writes) == 1  # both samples in one batch
    history = client.get_metric_history(run_id, "system/system_memory_usage_megabytes")
    assert [m.step for m in history] == [0, 1]
    client.close()


def test_no_gpu_metrics_without_nvml(session):
    assert system_metrics.GpuSampler.open() is None  # pynvml is not importable here

    class NoDriver(Exception):
        pass

    def init():
        raise NoDriver("NVML Shared Library Not Found")

    broken = types.SimpleNamespace(nvmlInit=init)
    assert system_metrics.GpuSampler.open(broken) is None
    no_devices = types.SimpleNamespace(nvmlInit=lambda: None, nvmlDeviceGetCount=lambda: 0)
    assert system_metrics.GpuSampler.open(no_devices) is None


def fake_nvml(devices: int):
    """Only for the name and unit mapping: NVML's functions, answering fixed readings."""
    return types.SimpleNamespace(
        NVML_TEMPERATURE_GPU=0,
        nvmlInit=lambda: None,
        nvmlDeviceGetCount=lambda: devices,
        nvmlDeviceGetHandleByIndex=lambda i: i,
        nvmlDeviceGetMemoryInfo=lambda h: types.SimpleNamespace(used=2e9 * (h + 1), total=8e9),
        nvmlDeviceGetUtilizationRates=lambda h: types.SimpleNamespace(gpu=40 + h),
        nvmlDeviceGetPowerUsage=lambda h: 150_000,  # milliwatts
        nvmlDeviceGetEnforcedPowerLimit=lambda h: 300_000,
        nvmlDeviceGetTemperature=lambda h, sensor: 65,
    )


def test_gpu_names_and_units_are_mlflows():
    gpus = system_metrics.GpuSampler.open(fake_nvml(2))
    assert gpus is not None
    assert gpus.sample() == {
        "gpu_0_memory_usage_percentage": 25.0,
        "gpu_0_memory_usage_megabytes": 2000.0,
        "gpu_0_utilization_percentage": 40,
        "gpu_0_power_usage_watts": 150.0,
        "gpu_0_power_usage_percentage": 50.0,
        "gpu_0_temperature_celsius": 65,  # jt's addition
        "gpu_1_memory_usage_percentage": 50.0,
        "gpu_1_memory_usage_megabytes": 4000.0,
        "gpu_1_utilization_percentage": 41,
        "gpu_1_power_usage_watts": 150.0,
        "gpu_1_power_usage_percentage": 50.0,
        "gpu_1_temperature_celsius": 65,
    }
    sampler = system_metrics.SystemSampler(nvml=fake_nvml(1))
    assert {"gpu_0_utilization_percentage", "cpu_utilization_percentage"} <= set(sampler.sample())


@pytest.mark.slow
def test_over_http_against_the_lab_server(jt_over_http, monkeypatch):
    monkeypatch.setitem(sys.modules, "pynvml", None)
    jt.set_system_metrics_sampling_interval(0.05)
    with jt.start_run(log_system_metrics=True) as run:
        run_id = run.info.run_id
        wait_until(lambda: len(sampled_steps(run_id)) >= 2, message="two samples")
    assert set(jt.get_run(run_id).data.metrics) == MLFLOW_NAMES | JT_ADDITIONS
    assert fluent.system_metrics_monitor(run_id) is None
