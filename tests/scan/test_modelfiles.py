"""Model files told by name and confirmed by their first bytes, never loaded: headers built
here for each format, files that lie about their format, zip bombs, and a pickle that would
run code if anything unpickled it."""

from __future__ import annotations

import os
import pickle
import struct
import zipfile
from pathlib import Path

from scan_trees import (
    HDF5,
    keras_file,
    keras_h5,
    safetensors,
    tflite,
    torch_zip,
    write_tree,
    zip_bytes,
)

from advisor.scan import scan_project
from advisor.scan.modelfiles import ZIP_MEMBER_MAX


def _models(tmp_path: Path, files: dict[str, str | bytes]) -> dict[str, tuple[str, str | None]]:
    """path -> (entry id, framework) for every model file the scan counted."""
    scan = scan_project(write_tree(tmp_path, files))
    out = {}
    for f in scan.findings:
        if f.category == "model_file":
            for e in f.evidence:
                out[e.path] = (f.id, e.text)
    return out


def test_each_format_is_confirmed_by_its_header(tmp_path: Path) -> None:
    found = _models(tmp_path, {
        "a/model.pt": torch_zip(),
        "a/legacy.pth": b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.",
        "b/weights.safetensors": safetensors({"__metadata__": {"format": "pt"},
                                              "w": {"dtype": "F32", "shape": [1],
                                                    "data_offsets": [0, 4]}}),
        "c/model.h5": keras_h5("2.15.0"),
        "c/model.keras": keras_file("3.6.0"),
        "c/model.weights.h5": HDF5 + b"\x00" * 32,
        "d/saved/saved_model.pb": b"\x08\x01\x12\x04\x0a\x02\x08\x01",
        "e/model.tflite": tflite(),
        "f/model.onnx": b"\x08\x08\x12\x07pytorch\x1a\x052.5.1:\x00",
        "g/model.pte": b"\x00\x00\x00\x00ET12" + b"\x00" * 16,
        "h/model.json": '{"format": "layers-model", "modelTopology": {}, "weightsManifest": []}',
        "i/llm.gguf": b"GGUF\x03\x00\x00\x00",
        "j/handler.mar": zip_bytes({"MAR-INF/MANIFEST.json": b"{}"}),
        "k/Model.mlmodel": b"\x08\x05\x12\x00",
    })
    assert found == {
        "a/model.pt": ("model-pytorch", "torch.save archive (never loaded)"),
        "a/legacy.pth": ("model-pytorch", "pickle (never unpickled)"),
        "b/weights.safetensors": ("model-safetensors", "safetensors, 1 tensors, format pt"),
        "c/model.h5": ("model-keras-h5", "Keras 2 HDF5 model"),
        "c/model.keras": ("model-keras-file", "Keras 3.6.0 model (Sequential)"),
        "c/model.weights.h5": ("model-keras-weights", "HDF5 weights (Keras 3)"),
        "d/saved/saved_model.pb": ("model-savedmodel", "SavedModel"),
        "e/model.tflite": ("model-tflite", "FlatBuffer TFL3"),
        "f/model.onnx": ("model-onnx", "ONNX, producer pytorch 2.5.1"),
        "g/model.pte": ("model-executorch", "FlatBuffer ET12"),
        "h/model.json": ("model-tfjs", "TF.js layers-model"),
        "i/llm.gguf": ("model-gguf", "GGUF"),
        "j/handler.mar": ("model-torchserve-archive", "TorchServe archive"),
        "k/Model.mlmodel": ("model-coreml", "Core ML specification"),
    }


def test_the_header_decides_the_framework_where_it_says_more(tmp_path: Path) -> None:
    scan = scan_project(write_tree(tmp_path, {
        "tf.safetensors": safetensors({"__metadata__": {"format": "tf"}}),
        "old.keras": keras_file("2.15.0"),
        "new.h5": keras_h5("3.4.1"),
        "model.pt": torch_zip(),
    }))
    cost = scan.switching_cost
    assert cost.tensorflow.model_files == {"safetensors": 1, "keras": 1}
    assert cost.keras.model_files == {"keras_h5": 1}
    assert cost.pytorch.model_files == {"pytorch": 1}


def test_files_that_lie_about_their_format_are_problems_not_models(tmp_path: Path) -> None:
    scan = scan_project(write_tree(tmp_path, {
        "fake.pt": b"not a checkpoint",
        "fake.tflite": b"\x00" * 64,
        "fake.safetensors": struct.pack("<Q", 10**12) + b"{}",
        "data.h5": HDF5 + b"\x00" * 64,  # an HDF5 data file: not a model, and no problem
        "other.json": '{"a": 1}',
        "model.json": '{"name": "a package, not a model"}',
    }))
    assert [f.id for f in scan.findings] == []
    problems = {t.reason: sorted(t.examples) for t in scan.problems}
    assert problems == {
        "model files whose header does not match their name": ["fake.pt", "fake.tflite"],
        "safetensors files whose header length does not fit the file": ["fake.safetensors"],
    }


def test_a_git_lfs_pointer_counts_as_the_model_it_stands_for(tmp_path: Path) -> None:
    pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 123\n"
    found = _models(tmp_path, {"weights/model.tflite": pointer})
    assert found["weights/model.tflite"][1].startswith("Git LFS pointer")


def test_a_zip_bomb_in_a_keras_file_is_cut_at_the_cap(tmp_path: Path) -> None:
    bomb = b"{" + b" " * (ZIP_MEMBER_MAX * 4) + b"}"  # compresses to a few kilobytes
    data = zip_bytes({"metadata.json": b'{"keras_version": "3.1.0"}', "config.json": bomb})
    assert len(data) < ZIP_MEMBER_MAX / 100
    scan = scan_project(write_tree(tmp_path, {"bomb.keras": data}))
    assert {t.reason for t in scan.problems} == {"zip archives with a member too large to read"}


def test_a_zip_whose_directory_claims_to_be_huge_is_not_read(tmp_path: Path) -> None:
    data = bytearray(torch_zip())
    end = data.rfind(b"PK\x05\x06")
    data[end + 12:end + 16] = struct.pack("<I", 2**31)  # central directory size
    scan = scan_project(write_tree(tmp_path, {"model.pt": bytes(data)}))
    assert {t.reason for t in scan.problems} == {
        "zip archives with a directory too large to read"}


class _Marker:
    """Unpickling this creates a file: proof that something loaded the model."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (self.path, "w"))


def test_no_model_file_is_ever_unpickled(tmp_path: Path) -> None:
    marker = tmp_path / "LOADED"
    payload = pickle.dumps(_Marker(str(marker)), protocol=2)
    pickle.loads(payload).close()  # the payload works: loading it does create the marker
    assert marker.exists()
    marker.unlink()
    tree = write_tree(tmp_path / "repo", {
        "evil.pt": payload, "evil.pth": payload, "evil.ckpt": payload,
        "pytorch_model.bin": payload,
        "zipped.pt": zip_bytes({"archive/data.pkl": payload, "archive/version": b"3"},
                               compression=zipfile.ZIP_STORED),
        "evil.keras": zip_bytes({"config.json": b"{}", "metadata.json": b"{}",
                                 "model.weights.h5": payload}),
    })
    scan = scan_project(tree)
    assert not marker.exists()
    assert scan.switching_cost.pytorch.model_files == {"pytorch": 5}
    assert not os.path.exists(marker)
