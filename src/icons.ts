import { LabIcon } from '@jupyterlab/ui-components';

import trackerSvg from '../style/icon.svg';

export const trackerIcon = new LabIcon({
  name: 'jupyterlab_tracker:tracker',
  svgstr: trackerSvg
});
