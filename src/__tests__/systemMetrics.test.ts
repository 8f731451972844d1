import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  groupSystemMetrics,
  isSystemMetric,
  systemMetricUnit
} from '../systemMetrics';

// What jupyterlab_tracker/client/system_metrics.py logs on a machine with two GPUs.
const LOGGED = [
  'loss',
  'system/cpu_utilization_percentage',
  'system/system_memory_usage_megabytes',
  'system/system_memory_usage_percentage',
  'system/disk_usage_percentage',
  'system/disk_available_megabytes',
  'system/disk_usage_megabytes',
  'system/network_transmit_megabytes',
  'system/network_receive_megabytes',
  'system/process_rss_megabytes',
  'system/gpu_10_utilization_percentage',
  'system/gpu_2_utilization_percentage',
  'system/gpu_2_memory_usage_megabytes',
  'system/gpu_2_memory_usage_percentage',
  'system/gpu_2_power_usage_watts',
  'system/gpu_2_power_usage_percentage',
  'system/gpu_2_temperature_celsius',
  'system/fan_speed_rpm'
];

describe('groupSystemMetrics', () => {
  it('makes one chart per quantity and unit, in a fixed order', () => {
    const groups = groupSystemMetrics(LOGGED);
    assert.deepEqual(
      groups.map(g => [g.id, g.unit, g.series.map(s => s.label)]),
      [
        ['cpu', '%', ['CPU']],
        ['process', 'MB', ['RSS']],
        ['memory-percent', '%', ['used']],
        ['memory-mb', 'MB', ['used']],
        ['disk-percent', '%', ['used']],
        ['disk-mb', 'MB', ['used', 'available']],
        ['network', 'MB', ['received', 'sent']],
        ['gpu-utilization', '%', ['GPU 2', 'GPU 10']],
        ['gpu-memory-percent', '%', ['GPU 2']],
        ['gpu-memory-mb', 'MB', ['GPU 2']],
        ['gpu-power-watts', 'W', ['GPU 2']],
        ['gpu-power-percent', '%', ['GPU 2']],
        ['gpu-temperature', '°C', ['GPU 2']],
        ['other:fan_speed_rpm', '', ['fan_speed_rpm']]
      ]
    );
    assert.deepEqual(
      groups.find(g => g.id === 'network')!.series.map(s => s.key),
      ['system/network_receive_megabytes', 'system/network_transmit_megabytes']
    );
  });

  it('ignores other metrics and shows no GPU charts without GPUs', () => {
    const groups = groupSystemMetrics([
      'loss',
      'system/cpu_utilization_percentage'
    ]);
    assert.deepEqual(
      groups.map(g => g.id),
      ['cpu']
    );
    assert.deepEqual(groupSystemMetrics(['loss', 'acc']), []);
  });

  it('gives an unknown system metric its own chart with the unit its name says', () => {
    const [group] = groupSystemMetrics(['system/gpu_0_fan_percentage']);
    assert.equal(group.kind, 'other');
    assert.equal(group.unit, '%');
  });
});

describe('isSystemMetric, systemMetricUnit', () => {
  it('knows the prefix and MLflow-style unit suffixes', () => {
    assert.ok(isSystemMetric('system/cpu_utilization_percentage'));
    assert.ok(!isSystemMetric('systems/x'));
    assert.ok(!isSystemMetric('loss'));
    assert.equal(systemMetricUnit('x_megabytes'), 'MB');
    assert.equal(systemMetricUnit('x_watts'), 'W');
    assert.equal(systemMetricUnit('x_celsius'), '°C');
    assert.equal(systemMetricUnit('x'), '');
  });
});
