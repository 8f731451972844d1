/**
 * How a view of several runs names and colours each of them: the palette's colour
 * (`runColors`, shared with the table and the notebook views) and the run's name, with
 * the start of its id when two runs of the view share a name.
 */
import { IRun } from './api';
import { runColors } from './palette';

export interface IRunLegendEntry {
  runId: string;
  label: string;
  color: string;
}

export function runLegend(runs: IRun[]): IRunLegendEntry[] {
  const ids = runs.map(r => r.info.run_id);
  const colors = runColors(ids);
  const names = runs.map(r => r.info.run_name || r.info.run_id);
  return runs.map((r, i) => ({
    runId: ids[i],
    color: colors.get(ids[i])!,
    label:
      names.indexOf(names[i]) !== names.lastIndexOf(names[i])
        ? `${names[i]} (${ids[i].slice(0, 6)})`
        : names[i]
  }));
}
