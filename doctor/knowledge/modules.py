"""Import names whose distribution is not found by the simple rule (``_`` -> ``-``), for reading tracebacks.

``explain`` has no environment to ask, so a frame's file ``site-packages/<top>/<sub>/...`` is mapped to its
distribution with this table (longest dotted prefix first), then with the engine's own table
(``doctor.classify.MODULE_DISTRIBUTIONS``) and the providers table. ``check`` asks the target's RECORD files instead.
Namespace packages (``google``, ``langgraph``...) are listed by their sub-packages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

# Sourced from each distribution's top_level.txt / RECORD (wheels on PyPI).
EXTRA_MODULE_DISTRIBUTIONS: Mapping[str, str] = {
    "langgraph.checkpoint.sqlite": "langgraph-checkpoint-sqlite",
    "langgraph.checkpoint.postgres": "langgraph-checkpoint-postgres",
    "langgraph.checkpoint": "langgraph-checkpoint",
    "langgraph.prebuilt": "langgraph-prebuilt",
    "langgraph_sdk": "langgraph-sdk",
    "langgraph": "langgraph",
    "grpc_status": "grpcio-status",
    "grpc_health": "grpcio-health-checking",
    "grpc": "grpcio",
    "google.api": "googleapis-common-protos",
    "google.rpc": "googleapis-common-protos",
    "google.type": "googleapis-common-protos",
    "google.longrunning": "googleapis-common-protos",
    "google.cloud.aiplatform": "google-cloud-aiplatform",
    "google.ai.generativelanguage": "google-ai-generativelanguage",
    "opentelemetry.proto": "opentelemetry-proto",
    "opentelemetry.exporter": "opentelemetry-exporter-otlp-proto-common",
    "a2a": "a2a-sdk",
    "faiss": "faiss-cpu",
    "torch": "torch",
    "sklearn": "scikit-learn",
    "cv2": "opencv-python",
}

# Packages whose top-level name is a namespace shared by many distributions: "(unknown location)" is normal there.
NAMESPACE_TOPS: frozenset[str] = frozenset({"google", "azure", "opentelemetry", "langgraph", "jaraco", "zope"})
