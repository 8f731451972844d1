/** Runs for the unit tests: a finished run of experiment 1 by ada, with what a test names. */
import { IRun } from '../api';
import { PARENT_RUN_TAG } from '../tags';

export interface ITestRunOptions {
  params?: Record<string, string>;
  status?: string;
  /** The latest value of the metric `acc`. */
  acc?: number;
  tags?: Record<string, string>;
  /** The parent run's id (the `mlflow.parentRunId` tag). */
  parent?: string;
}

export function testRun(id: string, options: ITestRunOptions = {}): IRun {
  const tags = { ...(options.tags ?? {}) };
  if (options.parent) {
    tags[PARENT_RUN_TAG] = options.parent;
  }
  return {
    info: {
      run_id: id,
      experiment_id: '1',
      run_name: id,
      user_id: 'ada',
      status: options.status ?? 'FINISHED',
      start_time: 0,
      end_time: 0,
      lifecycle_stage: 'active',
      artifact_uri: ''
    },
    data: {
      metrics:
        options.acc === undefined
          ? {}
          : { acc: { key: 'acc', value: options.acc, timestamp: 0, step: 0 } },
      params: options.params ?? {},
      tags
    }
  } as IRun;
}
