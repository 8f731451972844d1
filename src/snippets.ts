/**
 * How to log the first run into an experiment: jt, mlflow and `%%track` code, as plain text
 * (the experiment's name is untrusted; it only ever lands in a Python string literal or the
 * rest of a magic's line, and the UI shows the text, never HTML).
 */
export interface ISnippet {
  id: 'jt' | 'mlflow' | 'magic';
  label: string;
  /** The notebook cells to paste, in order (a cell magic must open its own cell). */
  cells: string[];
}

/** A Python string literal for any text (JSON's escapes are valid Python escapes). */
export function pythonString(text: string): string {
  return JSON.stringify(text);
}

/** A magic's line ends at the first line break: keep the name on one line. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

export function firstRunSnippets(
  experimentName: string,
  trackingUri: string
): ISnippet[] {
  const name = pythonString(experimentName);
  return [
    {
      id: 'jt',
      label: 'jupyterlab_tracker',
      cells: [
        [
          'import jupyterlab_tracker as jt',
          '',
          `jt.set_experiment(${name})`,
          'with jt.start_run():',
          '    jt.log_param("lr", 0.01)',
          '    jt.log_metric("loss", 0.5)'
        ].join('\n')
      ]
    },
    {
      id: 'mlflow',
      label: 'mlflow',
      cells: [
        [
          'import mlflow',
          '',
          '# Kernels of this Jupyter server already point mlflow here',
          '# (MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN); elsewhere:',
          `mlflow.set_tracking_uri(${pythonString(trackingUri)})`,
          `mlflow.set_experiment(${name})`,
          'with mlflow.start_run():',
          '    mlflow.log_param("lr", 0.01)',
          '    mlflow.log_metric("loss", 0.5)'
        ].join('\n')
      ]
    },
    {
      id: 'magic',
      label: '%%track',
      cells: [
        [
          '%load_ext jupyterlab_tracker',
          `%tracker_experiment ${oneLine(experimentName)}`
        ].join('\n'),
        ['%%track --params lr', 'lr = 0.01', '%log_metric loss=0.5'].join('\n')
      ]
    }
  ];
}

/** How to log system metrics (`system/...`) with a run: MLflow's argument, `%%track`'s default. */
export const SYSTEM_METRICS_SNIPPETS: { label: string; code: string }[] = [
  {
    label: 'jupyterlab_tracker',
    code: [
      'import jupyterlab_tracker as jt',
      '',
      'with jt.start_run(log_system_metrics=True):',
      '    ...  # CPU, memory, disk, network (and GPUs) every 10 s'
    ].join('\n')
  },
  {
    label: '%%track',
    code: ['%%track', '# system metrics are on by default here'].join('\n')
  }
];
