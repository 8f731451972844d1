/** Re-render a component whenever a model emits `changed`. */
import { ISignal } from '@lumino/signaling';
import { useEffect, useState } from 'react';

export function useModel<T extends { readonly changed: ISignal<T, unknown> }>(
  model: T
): T {
  const [, setTick] = useState(0);
  useEffect(() => {
    const onChanged = () => setTick(tick => tick + 1);
    model.changed.connect(onChanged);
    return () => {
      model.changed.disconnect(onChanged);
    };
  }, [model]);
  return model;
}
