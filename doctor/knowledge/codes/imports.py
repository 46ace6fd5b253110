"""LCD3xx: what happens when the target imports and constructs the chat classes (probes)."""

from __future__ import annotations

from ...model import Kind, Severity
from ...registry import CodeInfo

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

CODES = (
    CodeInfo(
        "LCD301", Kind.PYDANTIC_SCHEMA, E, "probe-pydantic-schema",
        probe_classified=True,
        what="Importing or constructing the chat class failed with a pydantic v1/v2 mixing error.",
        why="The notebook cell fails the same way.",
        fix="Upgrade the integration together with langchain-core in one pip command.",
    ),
    CodeInfo(
        "LCD302", Kind.PYDANTIC_CORE_MISMATCH, E, "probe-pydantic-core-mismatch",
        probe_classified=True,
        what="Importing pydantic failed because pydantic-core does not match it.",
        why="Every LangChain import fails.",
        fix="Reinstall pydantic so that pip brings its matching pydantic-core.",
    ),
    CodeInfo(
        "LCD303", Kind.BROKEN_INSTALL, E, "probe-namespace-package",
        probe_classified=True,
        what="The integration's module resolved to a namespace package or a stray folder (`(unknown location)`).",
        why="`cannot import name 'ChatX' from 'langchain_x' (unknown location)`.",
        fix="Delete the stray folder and reinstall the package.",
    ),
    CodeInfo(
        "LCD304", Kind.SHADOWED_MODULE, E, "probe-shadowed-module",
        probe_classified=True,
        what="A file or folder outside site-packages (the notebook's folder, the working directory, PYTHONPATH, "
        "the user site) is imported instead of the installed package.",
        why="The import finds the wrong code: missing names, or the local file's own errors.",
        fix="Rename or remove the local file or folder (the finding names it).",
    ),
    CodeInfo(
        "LCD305", Kind.MISSING_PACKAGE, E, "probe-module-not-found",
        probe_classified=True,
        what="An import the code needs raised ModuleNotFoundError.",
        why="The notebook cell fails the same way.",
        fix="Install the package that provides the module.",
    ),
    CodeInfo(
        "LCD306", Kind.IMPORT_ERROR, E, "probe-import-failed",
        what="Importing the integration or its chat class failed for another reason.",
        why="The notebook cell fails the same way; the evidence shows the exception.",
        fix="See the evidence; reinstalling the integration together with langchain-core often helps.",
    ),
    CodeInfo(
        "LCD307", Kind.IMPORT_ERROR, E, "probe-construct-failed",
        what="The chat class imported, but constructing it with harmless dummy arguments failed.",
        why="The first `ChatX(...)` line of the notebook fails the same way.",
        fix="See the evidence; usually a version mismatch between the integration, langchain-core and pydantic.",
    ),
    CodeInfo(
        "LCD308", Kind.IMPORT_ERROR, E, "probe-crashed",
        what="The import killed the interpreter (a signal, os._exit, sys.exit).",
        why="A notebook kernel dies on the same import.",
        fix="Reinstall the package; a crash in a compiled extension usually means a wheel built for another "
        "platform or Python.",
    ),
    CodeInfo(
        "LCD309", Kind.IMPORT_ERROR, E, "probe-timeout",
        what="The import did not finish: it waited without using the CPU past --timeout (a hang: a network call, "
        "a lock, a subprocess, input()), or was still computing at the hard limit, six times --timeout.",
        why="A slow import on a busy machine goes on while it uses the CPU, so this is not load: the notebook cell "
        "hangs, or computes for minutes, on the same import. The evidence shows the frames it was stopped in.",
        fix="For a hang, see what the module waits for at import time (the frames in the evidence); for an import "
        "that is only slow, raise --timeout.",
    ),
    CodeInfo(
        "LCD310", Kind.MOVED_API, E, "langchain-1-import-moved",
        what="The code imports a module that langchain 1.0 moved out (langchain.chains, langchain.schema, "
        "langchain.chat_models.ChatOpenAI...).",
        why="`ModuleNotFoundError: No module named 'langchain.chains'` under langchain >= 1.0.",
        fix="Install langchain-classic and import from langchain_classic, or import the class from its "
        "integration package.",
    ),
    CodeInfo(
        "LCD311", Kind.MISSING_PACKAGE, E, "local-folder-instead-of-package",
        what="A local folder stands in for a package that is not installed.",
        why="The import resolves to the folder (often a namespace package): `(unknown location)` errors.",
        fix="Install the package, and rename or remove the local folder.",
    ),
    CodeInfo(
        "LCD312", Kind.DOCTOR, I, "notebook-construct-not-probed",
        what="A model class the notebook constructs could not be built by the probe as written: a positional "
        "argument that is not a literal, a required argument whose value is not a literal, a class that loads "
        "model weights in-process, or more constructions than one run probes.",
        why="The probe repeats each construction with the notebook's literal arguments only (dummy secrets, no "
        "network); this one's verdict is missing from the report.",
        fix="Pass literal arguments where you can (a model name, a region), or run the cell to see its error.",
    ),
    CodeInfo(
        "LCD320", Kind.IMPORT_ERROR, W, "probe-warnings",
        what="Importing or constructing the chat class raised warnings that announce a failure "
        "(pydantic config-key renames such as `allow_population_by_field_name`, mixing V1 and V2 models).",
        why="These are the first lines the seed notebook printed before its errors.",
        fix="Upgrade the integration together with langchain-core.",
    ),
    CodeInfo(
        "LCD321", Kind.IMPORT_ERROR, I, "probe-deprecation",
        what="Importing or constructing the chat class raised a LangChain deprecation warning.",
        why="The class still works, but a later release removes it; the warning names the replacement.",
        fix="Follow the warning's advice when convenient.",
    ),
)
