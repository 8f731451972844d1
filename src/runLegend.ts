/**
 * How a view of several runs names and colours each of them: the palette's colour
 * (`runColors`, shared with the table and the notebook views) and the run's label
 * (`runLabels`: its name, told apart by the part of its id that differs when two runs
 * of the view share a name).
 */
import { IRun } from './api';
import { runColors } from './palette';
import { runLabels } from './runIdentity';

export interface IRunLegendEntry {
  runId: string;
  label: string;
  color: string;
}

export function runLegend(runs: IRun[]): IRunLegendEntry[] {
  const ids = runs.map(r => r.info.run_id);
  const colors = runColors(ids);
  const labels = runLabels(
    runs.map(r => ({ runId: r.info.run_id, name: r.info.run_name ?? '' }))
  );
  return ids.map(runId => ({
    runId,
    color: colors.get(runId)!,
    label: labels.get(runId)!
  }));
}
