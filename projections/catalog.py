"""Which projections the runner feeds. Add a read model by adding its projection here."""

from __future__ import annotations

from projections.base import Projection
from projections.evaluation import EvaluationProjection
from projections.programs import ProgramProjection

ALL_PROJECTIONS: tuple[Projection, ...] = (ProgramProjection(), EvaluationProjection())
