"""The domain's names and figures, each written once (stdlib only).

Every layer imports these: the store, the service, the server, the embedded and the HTTP
client, the views and the magics. So nothing here may import anything but the standard
library (``tests/client/test_import_boundaries.py`` checks it), and no other module spells out
what lives here (``tests/service/test_one_home.py`` checks the tag names and the clock).

- ``tags``: the reserved run and model tags, MLflow's (``mlflow.runName``, ...) and ours
  (``jupyterlab_tracker.*``), as MLflow's ``mlflow/utils/mlflow_tags.py`` holds its own.
- ``limits``: every string length, batch size and search size a request meets.
- ``clock``: ``now_ms()``, the one clock of timestamps.
- ``names``: the generated name (``brave-owl-12``) of a run or logged model given none.

The rules that check requests against these figures are the service's
(``service/validation.py``); the other stdlib-only modules every layer shares are
``entities``, ``errors``, ``search`` (the filter grammar) and ``registry_uris``.
The frontend keeps its own copies of the few tag names it reads, in ``src/tags.ts``.
"""
