"""Creating a run under a given id: what importing another tracker's runs needs.

``create_run`` always makes a new id; an import keeps MLflow's, so that a second import
finds the runs of the first one and links (``runs:/<id>``) keep working.
"""

from __future__ import annotations

from sqlalchemy import insert, select

from ..entities import RunInfo
from . import models as m


def insert_run_with_id(store, info: RunInfo) -> bool:
    """Insert a run row as ``info`` describes it (its ``artifact_uri`` is ignored: the run
    gets its place under its experiment's location). False if the id is already taken."""
    with store.db.session(write=True) as conn:
        if conn.execute(select(m.runs.c.run_id).where(m.runs.c.run_id == info.run_id)).first():
            return False
        location = conn.execute(
            select(m.experiments.c.artifact_location).where(
                m.experiments.c.experiment_id == int(info.experiment_id)
            )
        ).scalar_one()
        conn.execute(
            insert(m.runs).values(
                run_id=info.run_id,
                experiment_id=int(info.experiment_id),
                name=info.run_name,
                user_id=info.user_id,
                status=info.status,
                start_time=info.start_time,
                end_time=info.end_time,
                lifecycle_stage="active",  # deleted at the end of the import, if it was
                artifact_uri=f"{location.rstrip('/')}/{info.run_id}/artifacts",
            )
        )
    return True
