"""The measurements file (contract 3): what the hardware probes measured, as validated data."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from advisor.errors import MeasurementsError
from advisor.validation import located_errors
from advisor.yamlfile import load_json

Status = Literal["ok", "not_installed", "failed", "timeout"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Open(BaseModel):
    # Probe records may carry extra diagnostics (compile time, efficiency, ...); keep them.
    model_config = ConfigDict(extra="allow", frozen=True)


class Throughput(_Open):
    median: float = Field(gt=0)
    iqr: tuple[float, float]
    ci95: tuple[float, float]
    windows: int = Field(ge=1)


class Latency(_Open):
    p50: float = Field(gt=0)
    p95: float = Field(gt=0)


class FrameworkResult(_Open):
    status: Status
    message: str = ""
    version: str | None = None
    device: str | None = None
    path: str | None = None
    threads: int | None = None
    import_s: float | None = Field(default=None, ge=0)
    build_s: float | None = Field(default=None, ge=0)
    first_step_s: float | None = Field(default=None, ge=0)
    train_samples_per_s: Throughput | None = None
    infer_latency_ms: Latency | None = None
    infer_samples_per_s: float | None = Field(default=None, ge=0)
    peak_rss_mb: float | None = Field(default=None, ge=0)
    params: int | None = None
    accuracy: float | None = Field(default=None, ge=0, le=1)
    flags: list[str] = Field(default_factory=list)
    variants: dict[str, FrameworkResult] | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def device_kind(self) -> str:
        """cpu, cuda, mps, xpu, ... (the part of ``device`` before any index or name)."""
        return (self.device or "cpu").split(":")[0].split()[0].lower()


class Ratio(_Open):
    """pytorch ÷ tensorflow; ``estimate`` is null with a ``reason`` when it cannot be formed."""

    estimate: float | None = Field(default=None, gt=0)
    ci95: tuple[float, float] | None = None
    pairs: int | None = None
    reason: str | None = None

    @model_validator(mode="after")
    def _reason_when_missing(self) -> Ratio:
        if self.estimate is None and not self.reason:
            raise ValueError("a ratio without an estimate needs a reason")
        return self


class Equivalence(_Open):
    params: dict[str, int] = Field(default_factory=dict)
    max_abs_logit_diff: float | None = None
    ok: bool


class Machine(_Open):
    cpu: str | None = None
    logical_cores: int | None = None
    physical_cores: int | None = None
    threads_used: int | None = None
    memory_gb: float | None = None
    os: str | None = None
    python: str | None = None
    accelerators: list[str] = Field(default_factory=list)


class Measurements(_Strict):
    schema_version: Literal[1] = Field(alias="schema")
    created: str
    machine: Machine
    equivalence: Equivalence
    frameworks: dict[Literal["pytorch", "tensorflow"], FrameworkResult]
    ratios: dict[str, Ratio] = Field(default_factory=dict)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def to_dict(self) -> dict:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def parse_measurements(data: object, path: str | Path | None = None) -> Measurements:
    try:
        return Measurements.model_validate(data)
    except ValidationError as exc:
        raise next(located_errors(exc, Measurements, path, None, MeasurementsError)) from None


def load_measurements(path: str | Path) -> Measurements:
    """Read a measurements JSON file; raise ``MeasurementsError`` naming file and key."""
    data = load_json(path, MeasurementsError, what="a measurements file (JSON)")
    if not isinstance(data, dict):
        raise MeasurementsError(path, "expected a JSON object with schema, frameworks and ratios")
    return parse_measurements(data, path)
