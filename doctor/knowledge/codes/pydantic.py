"""LCD2xx: pydantic v1/v2 and known-incompatible combinations."""

from __future__ import annotations

from ...model import Kind, Severity
from ...registry import CodeInfo

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

CODES = (
    CodeInfo(
        "LCD201", Kind.PYDANTIC_SCHEMA, E, "integration-for-pydantic-v1-core",
        what="An integration package built for langchain-core < 0.3 (pydantic v1 models) sits next to "
        "langchain-core >= 0.3 (pydantic v2 models).",
        why="Importing or constructing its chat class fails with `PydanticUserError: The __modify_schema__ method "
        "is not supported in Pydantic v2 ... SecretStr` or `SchemaError: ... extra_fields_behavior ... "
        "Extra.forbid`.",
        fix="Upgrade the integration together with langchain-core in one pip command.",
    ),
    CodeInfo(
        "LCD202", Kind.PYDANTIC_SCHEMA, E, "integration-for-pydantic-v2-core",
        what="An integration package built for langchain-core >= 0.3 (pydantic v2) sits next to a "
        "langchain-core < 0.3 (pydantic v1 models).",
        why="Its models subclass pydantic v2 classes while langchain-core's are v1: validation and "
        "inheritance errors at import or construction.",
        fix="Upgrade langchain-core together with the integration in one pip command.",
    ),
    CodeInfo(
        "LCD203", Kind.PYDANTIC_SCHEMA, W, "pydantic-v1-idioms-under-v2-core",
        what="Heuristic: an integration's installed source still uses pydantic v1 idioms "
        "(langchain_core.pydantic_v1, pydantic.v1, Extra.forbid, v1 Config keys) while langchain-core is "
        ">= 0.3, although its declared requirements allow that core.",
        why="Such a package was written for the old line and its declared range is too loose: mixing v1 and "
        "v2 models fails at import or construction.",
        fix="Upgrade the integration to a release built for langchain-core 0.3+.",
    ),
    CodeInfo(
        "LCD210", Kind.PYDANTIC_CORE_MISMATCH, E, "pydantic-core-mismatch",
        what="The installed pydantic-core is not the exact version the installed pydantic pins.",
        why="`SystemError: The installed pydantic-core version ... is incompatible with the current pydantic "
        "version`, or `TypeError: ... unexpected keyword argument` on the first model definition.",
        fix="Reinstall pydantic so that pip brings its matching pydantic-core.",
    ),
    CodeInfo(
        "LCD211", Kind.PYDANTIC_CORE_MISMATCH, E, "pydantic-core-missing",
        what="pydantic 2 is installed but pydantic-core is not.",
        why="`ModuleNotFoundError: No module named 'pydantic_core'` on the first import of pydantic.",
        fix="Reinstall pydantic so that pip brings its pydantic-core.",
    ),
    CodeInfo(
        "LCD220", Kind.PYDANTIC_SCHEMA, E, "basecache-not-fully-defined",
        what="langchain-core < 0.3.39 with pydantic >= 2.11 (not excluded by langchain-core's declared range).",
        why="Constructing a chat model fails: `ChatOpenAI is not fully defined; you should define BaseCache, "
        "then call ChatOpenAI.model_rebuild()`.",
        fix="Upgrade langchain-core to 0.3.39 or later (or pin pydantic < 2.11).",
    ),
    CodeInfo(
        "LCD221", Kind.VERSION_CONFLICT, E, "langchain-1-with-old-community",
        what="langchain >= 1.0 with langchain-community < 0.4.",
        why="langchain 1.0 moved chains, agents and the old schema out to langchain-classic; community modules "
        "of the 0.3 line fail with `No module named 'langchain.chains'`.",
        fix="Upgrade langchain-community to 0.4 or later (it depends on langchain-classic).",
    ),
    CodeInfo(
        "LCD222", Kind.VERSION_CONFLICT, W, "untested-pairing-with-core-1",
        what="An integration of the 0.x line whose loose range lets it sit next to langchain-core 1.x, "
        "although a 1.x release of the integration exists.",
        why="An untested pairing: it often imports and constructs fine, but is not what either side was released "
        "with. A probe failure upgrades this to an error.",
        fix="Upgrade the integration to its 1.x line together with langchain-core.",
    ),
)
