"""IPython magics: ``%load_ext jupyterlab_tracker``.

- ``%tracker_experiment NAME``: set the experiment.
- ``%%track [--name N] [--params a,b] [--tag k=v ...] [--nested] [--autolog]
  [--no-system-metrics]``: run the cell as a run.
- ``%log_param k=v ...``, ``%log_metric k=v ... [--step N]``, ``%set_tag k=v ...``.
- ``%runs [FILTER]``, ``%compare RUN [RUN ...]``: the notebook views (``%compare`` finds
  runs by id or by name in any experiment).

Bad arguments print the magic's usage, never a traceback. Uses the client's public API.
"""

from __future__ import annotations

import ast
import shlex
import sys
import traceback
from contextlib import contextmanager

from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

import jupyterlab_tracker as jt

from .client import capture
from .domain.limits import MAX_PARAM_VALUE_LENGTH, MAX_TAG_VALUE_LENGTH
from .domain.tags import ERROR_TAG
from .errors import TrackerError


@contextmanager
def usage_on_error(magic):
    """Turn a bad argument (or a tracker error) into a message plus the magic's usage."""
    try:
        yield
    except (UsageError, SystemExit, TrackerError, ValueError) as exc:
        message = exc.message if isinstance(exc, TrackerError) else str(exc)
        # IPython's formatter starts the usage with "::" (reST); one line reads better.
        usage = " ".join(magic.parser.format_usage().replace("::", "").split())
        print(f"{message}\nUsage: {usage}  (%{magic.parser.prog}? for help)", file=sys.stderr)


def parse_line(magic, line: str):
    """Parse a magic's arguments, with shell quoting (``note="first try"``)."""
    return magic.parser.parse_args(shlex.split(line))


def parse_pairs(pairs: list[str]) -> dict[str, str]:
    """``["k=v", ...]`` (shell-quoted values already unquoted) as a dict."""
    parsed = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"expected KEY=VALUE, got {pair!r}")
        parsed[key] = value
    return parsed


def parse_numbers(pairs: list[str]) -> dict[str, float]:
    numbers = {}
    for key, value in parse_pairs(pairs).items():
        try:
            numbers[key] = float(value)
        except ValueError:
            raise UsageError(f"metric {key!r} needs a number, got {value!r}") from None
    return numbers


@magics_class
class TrackerMagics(Magics):
    @property
    def _ipython(self) -> InteractiveShell:
        """The shell these magics run in (``load_ipython_extension`` registers them on one)."""
        assert self.shell is not None, "TrackerMagics used without a shell"
        return self.shell

    @line_magic
    @magic_arguments()
    @argument("name", nargs="*", help="the experiment's name: the rest of the line")
    def tracker_experiment(self, line):
        """Set the current experiment, creating it if needed:
        ``%tracker_experiment mnist/cnn baseline``."""
        with usage_on_error(self.tracker_experiment):
            name = line.strip().strip("\"'")  # names may hold spaces and slashes
            if not name:
                raise UsageError("an experiment name is required")
            experiment = jt.set_experiment(name)
            print(f"Experiment '{experiment.name}' (id {experiment.experiment_id})")

    @cell_magic
    @magic_arguments()
    @argument("--name", "-n", help="the run's name (default: generated)")
    @argument(
        "--params",
        "-p",
        default="",
        metavar="A,B,...",
        help="variables of the notebook to log as params (before and after the cell)",
    )
    @argument("--tag", "-t", action="append", default=[], metavar="KEY=VALUE", help="a run tag")
    @argument("--nested", action="store_true", help="start a child of the active run")
    @argument("--no-live", action="store_true", help="do not show the live metrics chart")
    @argument(
        "--autolog", action="store_true", help="autolog the cell's fits (jt.autolog) into the run"
    )
    @argument(
        "--no-system-metrics",
        action="store_true",
        help="do not sample system/... metrics (on by default in %%%%track)",
    )
    def track(self, line, cell):
        """Run the cell inside a run: FINISHED if it completes, FAILED (with the traceback
        in the ``jupyterlab_tracker.error`` tag) if it raises. The cell's source and the
        notebook path are recorded, a live chart shows the metrics it logs, and system
        metrics are sampled (``--no-system-metrics``: not). ``--autolog``: the cell's
        scikit-learn fits log their params, metrics and model into the run."""
        __tracebackhide__ = True  # IPython shows the cell's frames, not the magic's
        parsed = None
        options = (True, False)  # (system metrics, autolog): what the arguments say
        with usage_on_error(self.track):
            args = parse_line(self.track, line)
            names = [name.strip() for name in args.params.split(",") if name.strip()]
            bad = [name for name in names if not name.isidentifier()]
            if bad:
                raise UsageError(f"--params takes variable names, not {', '.join(bad)}")
            parsed = (args.name, names, parse_pairs(args.tag), args.nested, not args.no_live)
            options = (not args.no_system_metrics, bool(args.autolog))
        if parsed is None:  # bad arguments: the usage was printed, the cell does not run
            return None
        system_metrics, autolog = options
        with self._autologging(autolog):
            return self._run_tracked(cell, *parsed, system_metrics=system_metrics)

    @contextmanager
    def _autologging(self, wanted: bool):
        """``--autolog``: the integrations that were off are on for this cell only."""
        if not wanted:
            yield
            return
        from . import autologging

        already_on = autologging.enabled()
        switched = [name for name in jt.autolog() if name not in already_on]
        try:
            yield
        finally:
            off = [name for name in autologging.INTEGRATIONS if name not in switched]
            jt.autolog(disable=True, exclude=off)

    def _run_tracked(self, cell, run_name, param_names, tags, nested, show_live, system_metrics):
        __tracebackhide__ = True
        capture.use_cell_source(cell)
        run = jt.start_run(
            run_name=run_name,
            nested=nested,
            tags=tags,
            # On by default here; jt.disable_system_metrics_logging() turns it off too.
            log_system_metrics=system_metrics and jt.system_metrics_logging_enabled(default=True),
        )
        logged: dict[str, str] = {}
        live = None
        try:
            self._log_variables(param_names, logged)  # those that exist before the cell
            if show_live and getattr(self.shell, "kernel", None) is not None:
                from .views.live import LiveMetrics  # only a kernel can show widgets

                live = LiveMetrics(run_id=run.info.run_id).show()
            result = self._execute(cell)
        except BaseException as exc:
            self._finish(live, param_names, logged)
            jt.set_tag(ERROR_TAG, self._traceback(exc)[-MAX_TAG_VALUE_LENGTH:])
            jt.end_run("KILLED" if isinstance(exc, KeyboardInterrupt) else "FAILED")
            raise  # the notebook shows the error and stops, as for any failing cell
        self._finish(live, param_names, logged)
        jt.end_run("FINISHED")
        return result

    def _finish(self, live, param_names, logged) -> None:
        if live is not None:
            live.stop()
        self._log_variables(param_names, logged)

    def _log_variables(self, names: list[str], logged: dict[str, str]) -> None:
        """Log the named variables not logged yet; note the ones whose value changed."""
        namespace = self._ipython.user_ns
        values = {n: _param_value(namespace[n]) for n in names if n in namespace}
        new = {n: v for n, v in values.items() if n not in logged}
        if new:
            jt.log_params(new)
            logged.update(new)
        changed = [n for n, v in values.items() if logged[n] != v]
        if changed:
            print(
                f"Params are logged once: the run keeps the starting value of {', '.join(changed)}",
                file=sys.stderr,
            )

    def _execute(self, cell):
        """Run the cell's code in the notebook's namespace; return its last expression's
        value (displayed as the cell's result, as without the magic)."""
        __tracebackhide__ = True
        code = self._ipython.transform_cell(cell)  # magics and ! lines inside the cell
        self._cell_file = self._ipython.compile.cache(code)  # tracebacks can show its lines
        module = ast.parse(code)
        last = module.body.pop() if module.body and isinstance(module.body[-1], ast.Expr) else None
        namespace = self._ipython.user_ns
        exec(compile(module, self._cell_file, "exec"), namespace)  # noqa: S102
        if last is not None:
            return eval(compile(ast.Expression(last.value), self._cell_file, "eval"), namespace)
        return None

    def _traceback(self, exc: BaseException) -> str:
        """The traceback from the cell's own frames on (not this module's)."""
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != getattr(self, "_cell_file", ""):
            tb = tb.tb_next
        return "".join(traceback.format_exception(type(exc), exc, tb or exc.__traceback__))

    @line_magic
    @magic_arguments()
    @argument("pairs", nargs="+", metavar="KEY=VALUE")
    def log_param(self, line):
        """Log params of the active run: ``%log_param lr=0.01 optimizer="adam w"``."""
        with usage_on_error(self.log_param):
            args = parse_line(self.log_param, line)
            jt.log_params(parse_pairs(args.pairs))

    @line_magic
    @magic_arguments()
    @argument("pairs", nargs="+", metavar="KEY=VALUE")
    @argument("--step", "-s", type=int, default=None, help="the step (default 0)")
    def log_metric(self, line):
        """Log metrics of the active run: ``%log_metric loss=0.25 acc=0.91 --step 3``."""
        with usage_on_error(self.log_metric):
            args = parse_line(self.log_metric, line)
            jt.log_metrics(parse_numbers(args.pairs), step=args.step)

    @line_magic
    @magic_arguments()
    @argument("pairs", nargs="+", metavar="KEY=VALUE")
    def set_tag(self, line):
        """Set tags of the active run: ``%set_tag stage=tuning "note=first try"``."""
        with usage_on_error(self.set_tag):
            args = parse_line(self.set_tag, line)
            jt.set_tags(parse_pairs(args.pairs))

    @line_magic
    @magic_arguments()
    @argument("filter", nargs="*", help="an MLflow filter: the rest of the line")
    def runs(self, line):
        """Browse the current experiment's runs: ``%runs metrics.acc > 0.9``."""
        with usage_on_error(self.runs):
            from .views import RunsBrowser

            return RunsBrowser(filter_string=line.strip())

    @line_magic
    @magic_arguments()
    @argument(
        "refs",
        nargs="+",
        metavar="RUN",
        help="run ids, run names (or unique name prefixes) in any experiment, or EXPERIMENT/NAME",
    )
    def compare(self, line):
        """Compare runs: ``%compare brave-owl calm-fox`` (ids or names, in any experiment;
        a name in several experiments is the current experiment's run, else write
        ``EXPERIMENT/NAME``)."""
        with usage_on_error(self.compare):
            args = parse_line(self.compare, line)
            from .views import CompareWidget
            from .views.data import resolve_runs

            return CompareWidget(resolve_runs(args.refs))


def _param_value(value) -> str:
    return str(value)[:MAX_PARAM_VALUE_LENGTH]
