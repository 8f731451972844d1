"""Artifact storage: one ``ArtifactRepository`` per run or logged model, rooted at its
artifact URI (a local directory by default, any fsspec URL such as ``s3://bucket/prefix``).

Every path a caller gives goes through ``paths.resolve_artifact_path``.
"""

from .paths import resolve_artifact_path
from .repository import CHUNK_SIZE, ArtifactRepository

__all__ = ["CHUNK_SIZE", "ArtifactRepository", "resolve_artifact_path"]
