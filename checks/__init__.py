"""Built-in checks: one module per concern, run in the order of this explicit table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import (
    api_keys,
    aws,
    compat_static,
    cred_api_online,
    gcloud_adc,
    imports,
    integrity,
    inventory,
    known_issues,
    network,
    protobuf_gencode,
    providers,
    pydantic_idioms,
    requirements,
    symbols,
)

if TYPE_CHECKING:
    from ..checkapi import Check

CHECKS: tuple[Check, ...] = (
    inventory.CHECK,
    requirements.CHECK,
    pydantic_idioms.CHECK,
    known_issues.CHECK,
    compat_static.CHECK,
    protobuf_gencode.CHECK,
    symbols.CHECK,
    integrity.CHECK,
    providers.CHECK,
    imports.CHECK,
    api_keys.CHECK,
    gcloud_adc.CHECK,
    aws.CHECK,
    network.CHECK,
    cred_api_online.CHECK,
)
