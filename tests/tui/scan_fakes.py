"""A fake project scanner for the app's tests, and the scan it reports: an ML repository with
TensorFlow code and a serving image, a domain, and a hint about the team."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
from project_scans import bound, evidence, proposal, scan

from advisor.scan.model import Finding, ProjectScan

SCAN = scan(
    proposal("existing_code", "tensorflow", confidence=0.91,
             because="82 % of the framework imports are TensorFlow (tf.keras in 31 files); "
                     "3 SavedModels and a TF Serving Dockerfile.",
             examples=[evidence("src/model.py", 3, "import tensorflow as tf"),
                       evidence("src/train.py", 12, "model.fit(ds, epochs=20)"),
                       evidence("serving/Dockerfile", 1, "FROM tensorflow/serving:2.20.0")]),
    proposal("domain", "nlp", confidence=0.74,
             because="transformers tokenizers are imported in 9 files.",
             examples=[evidence("src/data.py", 5, "from transformers import AutoTokenizer")]),
    proposal("team_experience", "pytorch", kind="hint", confidence=0.6,
             because="3 of the 4 people who committed to model code last year changed PyTorch "
                     "files.",
             examples=[evidence("research/finetune.py", None)]),
    tensorflow=bound(files=37, lines=412, model_files={"savedmodel": 3},
                     deployment=["a TF Serving Dockerfile"]),
    pytorch=bound(files=2, lines=40),
    root="shop",
    findings=[Finding(id="finding-existing_code", category="import", label="TensorFlow imports",
                      bound_to="tensorflow", files=31, occurrences=54,
                      evidence=[evidence("src/model.py", 3)])],
)


@dataclass
class FakeScanner:
    """Returns ``result`` (its root the folder asked for) or raises ``error``; with ``hold`` it
    waits for the cancel event first, like a long scan would."""

    result: ProjectScan = SCAN
    error: Exception | None = None
    hold: bool = False
    folders: list[Path] = field(default_factory=list)
    held: threading.Event = field(default_factory=threading.Event)
    cancelled: threading.Event = field(default_factory=threading.Event)

    def scan(self, folder: Path, cancel: threading.Event) -> ProjectScan:
        self.folders.append(folder)
        if self.hold:
            self.held.set()
            while not cancel.wait(0.01):
                pass
            self.cancelled.set()
            raise RuntimeError("stopped")
        if self.error is not None:
            raise self.error
        return msgspec.structs.replace(self.result, root=folder.name)
