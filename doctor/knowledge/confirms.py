"""One cause, one finding: which probe findings show that a static finding's failure happened, as data.

A static check reads versions and files and names a failure before anything runs (LCD201: an integration built for
pydantic v1 next to a pydantic-v2 core; LCD702: botocore 1.31.56 has no ``bedrock-runtime`` data). A probe runs the
import, the construction or the smoke call in the target and sees the failure happen (LCD306, LCD705). When both
describe one cause the report shows one finding that carries both evidences (``doctor/causes.merge``, the only
place that folds them).

Each row says, for one probe code, which static codes it can confirm, how the two are known to be one cause, and
which of the two the report keeps:

- ``Kept.STATIC``: the probe's failure is a generic symptom (an import failed "for another reason", a key was
  refused) and the static finding names the cause and its specific repair; the probe's fact is folded into it as
  ``confirmed by probe (CODE): ...`` and its severity rises to the probe's.
- ``Kept.PROBE``: the probe's failure was classified to the cause itself and names the repair, and carries what
  only the probe saw (the notebook line, the traceback); the static prediction is folded into it as
  ``predicted from metadata too (CODE): ...``.

"One cause" (``SameCause``) is decided from the findings' data, never from their messages:

- ``SameCause.PROVIDER``: both are about the same provider, or the static finding is about the whole environment
  (``ENVIRONMENT_WIDE``: no provider, and any provider's failure shows it).
- ``SameCause.REPAIR``: one kind, and the probe's repair installs every distribution the static finding's repair
  installs (and there is one). This is how a probe finding about something outside the providers table is paired:
  the notebook's ``BedrockChat(...)`` from ``langchain_community`` failing with ``Unknown service:
  'bedrock-runtime'`` has no provider row behind its prediction, but both repairs upgrade boto3 and botocore.

A static finding that no probe finding confirms is left exactly as its check made it (and a provider's prediction
that the probe saw not come true, ``REFUTED_BY_A_WORKING_CLASS``, is marked as a prediction by
``runner.facts_over_predictions``). Tests walk the
table: every code registered, each code on one side only, every pair folds through the one merge.
"""

from __future__ import annotations

from enum import Enum

from ..values import value_type


class Kept(Enum):
    """Which finding of a confirmed pair the report keeps (the other's evidence is folded into it)."""

    STATIC = "static"
    """The static finding: it names the cause and its specific repair; the probe's failure is its symptom."""
    PROBE = "probe"
    """The probe's finding: its classified failure names the cause and the same repair, with what the probe saw."""


class SameCause(Enum):
    """How a probe finding and a static finding of related codes are known to be one cause."""

    PROVIDER = "provider"
    """The same provider, or a static finding about the whole environment (``ENVIRONMENT_WIDE``)."""
    REPAIR = "repair"
    """One kind, and the probe's repair installs every distribution the static finding's repair installs."""


@value_type
class Confirms:
    """One probe code and the static codes whose failure it shows."""

    probe: str
    """The probe's code (import, construction, notebook line or smoke call)."""
    static: tuple[str, ...]
    """The static codes it confirms, in order of preference: with ``Kept.STATIC`` the probe's fact goes into the
    first one found (one symptom, one cause); with ``Kept.PROBE`` every one found is folded into the probe's."""
    kept: Kept
    same: SameCause


CONFIRMS: tuple[Confirms, ...] = (
    # The provider's chat class fails to import or construct: the static finding of that provider (or of the whole
    # environment) that explains why is the cause; the probe's traceback is its proof.
    Confirms("LCD301", ("LCD201", "LCD202", "LCD220", "LCD203", "LCD222", "LCD101"), Kept.STATIC, SameCause.PROVIDER),
    Confirms("LCD306", ("LCD201", "LCD202", "LCD220", "LCD203", "LCD222", "LCD101", "LCD110", "LCD113"),
             Kept.STATIC, SameCause.PROVIDER),
    Confirms("LCD307", ("LCD201", "LCD202", "LCD220", "LCD203", "LCD222", "LCD101"), Kept.STATIC, SameCause.PROVIDER),
    Confirms("LCD302", ("LCD210", "LCD211"), Kept.STATIC, SameCause.PROVIDER),
    Confirms("LCD303", ("LCD111", "LCD112", "LCD113"), Kept.STATIC, SameCause.PROVIDER),
    # A key rejected by the online check and by the smoke call is one problem.
    Confirms("LCD601", ("LCD460",), Kept.STATIC, SameCause.PROVIDER),
    # A local folder that stands in for the provider's missing package names the folder as well as the install.
    Confirms("LCD311", ("LCD103",), Kept.PROBE, SameCause.PROVIDER),
    # The probe's failure classified to a skew, a bad release or an unsupported Python names the repair that the
    # metadata's prediction names.
    Confirms("LCD705", ("LCD701", "LCD702", "LCD712"), Kept.PROBE, SameCause.REPAIR),
    Confirms("LCD707", ("LCD703",), Kept.PROBE, SameCause.REPAIR),
    Confirms("LCD708", ("LCD704",), Kept.PROBE, SameCause.REPAIR),
)

BY_PROBE: dict[str, Confirms] = {row.probe: row for row in CONFIRMS}

# The static findings that predict a provider's chat class fails to import or construct: those that both an import
# failure and a construction failure would confirm. When the probe imported and constructed the class they did not
# come true, and the report says so (``runner.facts_over_predictions``); LCD110 and LCD113 (files on disk) stay.
REFUTED_BY_A_WORKING_CLASS = frozenset(BY_PROBE["LCD306"].static) & frozenset(BY_PROBE["LCD307"].static)

# Static findings about the whole environment (made without a provider) that any provider's probe failure confirms.
ENVIRONMENT_WIDE = frozenset({"LCD210", "LCD211", "LCD220"})
