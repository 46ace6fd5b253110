"""Import names whose distribution is not found by the simple rule (``_`` -> ``-``), for reading tracebacks.

``explain`` has no environment to ask, so a frame's file ``site-packages/<top>/<sub>/...`` is mapped to its
distribution with this table joined with the providers' SDK modules (``doctor.classify.distribution_for``,
longest dotted prefix first). The one module-to-distribution table besides the provider rows.
``check`` asks the target's RECORD files instead.
Namespace packages (``google``, ``langgraph``...) are listed by their sub-packages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

# Sourced from each distribution's top_level.txt / RECORD (wheels on PyPI).
OTHER_MODULE_DISTRIBUTIONS: Mapping[str, str] = {
    "google.api_core": "google-api-core",
    "google.protobuf": "protobuf",
    "sentence_transformers": "sentence-transformers",
    "dotenv": "python-dotenv",
    "yaml": "pyyaml",
    "bs4": "beautifulsoup4",
    "sklearn": "scikit-learn",
    "PIL": "pillow",
    "faiss": "faiss-cpu",
    "docx": "python-docx",
    "pptx": "python-pptx",
    "fitz": "pymupdf",
    "cv2": "opencv-python",
    "jwt": "pyjwt",
    "pydantic_core": "pydantic-core",
    "typing_extensions": "typing-extensions",
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
    "torch": "torch",
}

# Packages whose top-level name is a namespace shared by many distributions: "(unknown location)" is normal there.
NAMESPACE_TOPS: frozenset[str] = frozenset({"google", "azure", "opentelemetry", "langgraph", "jaraco", "zope"})
