"""``<base_url>tracker/``: where the links the mlflow client prints lead, into JupyterLab.

After each run the client prints ``View run ... at: <tracking_uri>/#/experiments/<id>/
runs/<run id>`` (and the experiment's link); MLflow's web UI also links models as
``#/models/<name>`` and ``#/models/<name>/versions/<v>``. The part after ``#`` never
reaches the server, so this page is a tiny document whose script reads it and forwards to
JupyterLab (``../lab?tracker-experiment=..&tracker-run=..``), where the tracker's URL
route opens the panel on that place (``src/links.ts``).

The fragment is untrusted (anyone can send a link): only the shapes above are read, ids
must have their form (digits; 32 hex digits; a model name of printable characters, at
most 256), and what is forwarded is only those values, as query arguments of a fixed
same-origin URL, so the page cannot be made to go anywhere else (no open redirect). Any
other fragment opens the panel where it was. The page's Content-Security-Policy allows
its one script (by hash) and nothing else. It is a Jupyter page: a browser without a
login is sent to Jupyter's login (which keeps ``next=<base_url>tracker/``, not the
fragment, so after a password login the panel opens without a place).
"""

from __future__ import annotations

import base64
import hashlib

from jupyter_server.base.handlers import JupyterHandler
from tornado.web import authenticated

from ..domain.limits import MAX_REGISTERED_MODEL_NAME_LENGTH

# Kept in step with src/links.ts (the panel checks the place again before it opens it).
FORWARD_SCRIPT = r"""
(function () {
  var place = {};
  var hash = location.hash.slice(0, 4096).replace(/^#\/?/, '').split('?')[0];
  var parts = hash.split('/');
  function decoded(text) {
    try { return decodeURIComponent(text); } catch (e) { return null; }
  }
  if (parts[0] === 'experiments' && /^[0-9]{1,18}$/.test(parts[1] || '')) {
    place.experiment = parts[1];
    if (parts[2] === 'runs' && /^[0-9a-f]{32}$/.test(parts[3] || '')) {
      place.run = parts[3];
    }
  } else if (parts[0] === 'models' && parts[1]) {
    var name = decoded(parts[1]);
    if (name && name.length <= MAX_NAME && !/[\u0000-\u001f\u007f]/.test(name)) {
      place.model = name;
      if (parts[2] === 'versions' && /^[0-9]{1,10}$/.test(parts[3] || '')) {
        place.version = parts[3];
      }
    }
  }
  var target = new URL('../lab', location.href);
  target.searchParams.set('tracker-open', '1');
  for (var key in place) {
    target.searchParams.set('tracker-' + key, place[key]);
  }
  location.replace(target.href);
})();
""".replace("MAX_NAME", str(MAX_REGISTERED_MODEL_NAME_LENGTH))

_SCRIPT_HASH = base64.b64encode(hashlib.sha256(FORWARD_SCRIPT.encode()).digest()).decode()

PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>Experiment Tracker</title>
</head>
<body>
<p>Opening the Experiment Tracker in JupyterLab…</p>
<noscript><p><a href="../lab?tracker-open=1">Open JupyterLab</a></p></noscript>
<script>{FORWARD_SCRIPT}</script>
</body>
</html>
"""


class LinkPageHandler(JupyterHandler):
    """``GET <base_url>tracker/``: the page above, to a logged-in browser only."""

    @property
    def content_security_policy(self) -> str:
        return (
            f"default-src 'none'; script-src 'sha256-{_SCRIPT_HASH}'; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'self'"
        )

    @authenticated
    def get(self):
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")
        self.finish(PAGE)
