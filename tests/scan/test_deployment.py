"""Deployment artefacts: serving images and configs, app dependencies, firmware builds and
launch scripts, each proposing where the models run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scan_trees import proposal_values, write_tree

from advisor.scan import scan_project
from advisor.scan.deployment import dockerfile, gradle, kserve, package_json, podfile, triton


def test_dockerfile_images_and_run_lines() -> None:
    images, commands = dockerfile(
        "# syntax=docker/dockerfile:1\nARG BASE=x\nFROM --platform=linux/amd64 docker.io/"
        "library/python:3.12 AS build\nRUN pip install \\\n    torch==2.3.0+cu121\n"
        "FROM ${BASE}\nFROM nvcr.io/nvidia/tritonserver:24.01-py3\n")
    assert [(i, line) for i, line, _ in images] == [("python:3.12", 3),
                                                    ("nvcr.io/nvidia/tritonserver:24.01-py3", 7)]
    assert commands == [(4, "pip install torch==2.3.0+cu121")]


def test_app_manifests_and_configs() -> None:
    assert [v for v, _, _ in package_json(json.dumps({
        "dependencies": {"@tensorflow/tfjs": "^4"}, "devDependencies": {"vite": "5"}}))] == [
        "@tensorflow/tfjs", "vite"]
    assert [v for v, _, _ in gradle(
        'dependencies {\n  implementation "org.tensorflow:tensorflow-lite:2.16.1"\n'
        "  // implementation 'org.pytorch:executorch-android:0.4'\n"
        '  implementation(libs.litert)\n}\n[libraries]\nlitert = { group = '
        '"com.google.ai.edge.litert", name = "litert", version = "1.0" }\n')] == [
        "org.tensorflow:tensorflow-lite", "com.google.ai.edge.litert:litert"]
    assert [v for v, _, _ in podfile("target 'App' do\n  pod 'TensorFlowLiteSwift/Metal'\nend\n")
            ] == ["TensorFlowLiteSwift"]
    assert [v for v, _, _ in triton('name: "m"\nplatform: "tensorflow_savedmodel"\n')] == [
        "platform:tensorflow_savedmodel"]
    manifest = ("apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nspec:\n"
                "  predictor:\n    model:\n      modelFormat:\n        name: pytorch\n")
    assert [v for v, _, _ in kserve(manifest)] == ["modelFormat:pytorch"]
    assert kserve(manifest.replace("InferenceService", "Deployment")) == []


@pytest.mark.parametrize(("files", "targets", "bound"), [
    ({"serving/Dockerfile": "FROM tensorflow/serving:2.20.0\n"}, ["server"], "tensorflow"),
    ({"Dockerfile": "FROM pytorch/torchserve:0.12.0-gpu\n"}, ["server"], "pytorch"),
    ({"models/m/config.pbtxt": 'backend: "pytorch"\n'}, ["server"], "pytorch"),
    # The PyTorch backend's README names a second platform, for PT2 archives (torch_aoti).
    ({"models/m/config.pbtxt": 'platform: "torch_aoti"\n'}, ["server"], "pytorch"),
    # LiteRT in Google Play services keeps the play-services-tflite artifacts (migration guide).
    ({"app/build.gradle":
      "implementation 'com.google.android.gms:play-services-tflite-java:16.4.0'\n"},
     ["mobile"], "tensorflow"),
    ({"app/build.gradle": "implementation 'com.microsoft.onnxruntime:onnxruntime-mobile:1.18.0'\n"},
     ["mobile"], None),
    ({"app/build.gradle.kts": 'implementation("org.pytorch:executorch-android:0.5.0")\n'},
     ["mobile"], "pytorch"),
    ({"ios/Podfile": "pod 'TensorFlowLiteSwift'\n"}, ["mobile"], "tensorflow"),
    ({"web/package.json": '{"dependencies": {"onnxruntime-web": "1.20.0"}}'}, ["browser"], None),
    ({"fw/CMakeLists.txt": "add_subdirectory(third_party/tflite-micro)\n"}, ["embedded"],
     "tensorflow"),
    ({"fw/platformio.ini": "lib_deps = tensorflow/lite/micro\n", "fw/src/main.cc":
      '#include "tensorflow/lite/micro/micro_interpreter.h"\n'}, ["embedded"], "tensorflow"),
    ({"k8s/isvc.yaml": "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nspec:\n"
      "  predictor:\n    model:\n      modelFormat: {name: tensorflow}\n"}, ["server"],
     "tensorflow"),
])
def test_deployment_targets(tmp_path: Path, files: dict[str, str], targets: list[str],
                            bound: str | None) -> None:
    scan = scan_project(write_tree(tmp_path, files))
    assert proposal_values(scan)["deployment"] == targets
    deployment = [f for f in scan.findings if f.category == "deployment"]
    assert deployment and {f.bound_to for f in deployment} == {bound}
    if bound:
        assert getattr(scan.switching_cost, bound).deployment


def test_several_targets_are_listed_strongest_first(tmp_path: Path) -> None:
    files = {f"web{i}/package.json": '{"dependencies": {"@tensorflow/tfjs": "4"}}'
             for i in range(3)}
    files["serving/Dockerfile"] = "FROM tensorflow/serving\n"
    assert proposal_values(scan_project(write_tree(tmp_path, files)))["deployment"] == [
        "browser", "server"]


def test_launch_scripts_propose_scale_out(tmp_path: Path) -> None:
    one = {"train.py": "import torch\n", "run.sh": "torchrun --nproc_per_node=8 train.py\n"}
    assert proposal_values(scan_project(write_tree(tmp_path / "a", one)))[
        "scale_out"] == "multi_gpu"
    many = {**one, "job.slurm": "#SBATCH --nodes=4\nsrun torchrun --node_rank=$R train.py\n"}
    assert proposal_values(scan_project(write_tree(tmp_path / "b", many)))[
        "scale_out"] == "multi_node"
