"""gcloud Application Default Credentials, offline, in google-auth's order; the file's validity; the project.

Order (google.auth.default): GOOGLE_APPLICATION_CREDENTIALS, then gcloud's well-known file (CLOUDSDK_CONFIG or
~/.config/gcloud/application_default_credentials.json), then the metadata server of a Google Cloud machine.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, Optional

from .. import inputs
from ..inputs import read_text
from ..knowledge.providers import CredentialKind, config_vars_of

if TYPE_CHECKING:
    from collections.abc import Mapping

ADC_FILE = "application_default_credentials.json"
CREDENTIAL_FILE_LIMIT = 1024 * 1024
"""Credential and configuration files larger than this are not read (they are a few kB)."""
GCE_PRODUCT_FILE = "/sys/class/dmi/id/product_name"
"""google-auth reads it to tell a Google Compute Engine machine (residency check, no network)."""

# Required fields per credential type, as google-auth's loaders require them (google/auth/_default.py and the
# from_*_info constructors).
REQUIRED: Mapping[str, tuple[str, ...]] = {
    "authorized_user": ("client_id", "client_secret", "refresh_token"),
    "service_account": ("client_email", "private_key", "token_uri"),
    "external_account": ("audience", "subject_token_type", "token_url", "credential_source"),
    "external_account_authorized_user": ("audience", "refresh_token", "token_url", "client_id", "client_secret"),
    "impersonated_service_account": ("service_account_impersonation_url", "source_credentials"),
    "gdch_service_account": ("format_version", "project", "private_key_id", "private_key", "name", "ca_cert_path",
                             "token_uri"),
}
SECRET_FIELDS = ("refresh_token", "client_secret", "private_key", "private_key_id")
# The project variables, in google-auth's order: the providers table's setting of the rows that use ADC.
PROJECT_VARS: tuple[str, ...] = next(iter(config_vars_of(CredentialKind.GCLOUD_ADC)))


# The default of a mapping field: shared by every instance, so read-only.
_NO_ENTRIES: Mapping[str, Any] = MappingProxyType({})

class AdcFile(NamedTuple):
    """A credentials file as read and validated (values stay here; nothing secret leaves this object)."""

    path: str
    source: str
    """``GOOGLE_APPLICATION_CREDENTIALS`` or ``gcloud``."""
    exists: bool = True
    error_code: str = ""
    """LCD421 missing, LCD422 unreadable, LCD423 invalid; empty when valid."""
    error: str = ""
    info: Mapping[str, Any] = _NO_ENTRIES
    """Parsed JSON (only when it parsed)."""
    mode: Optional[int] = None

    @property
    def type(self) -> str:
        """The file's ``type`` field."""
        return str(self.info.get("type", ""))

    @property
    def too_open(self) -> bool:
        """True when group or others may read a file holding a secret."""
        has_secret = any(k in self.info for k in SECRET_FIELDS) or "source_credentials" in self.info
        return self.mode is not None and bool(self.mode & 0o077) and has_secret and os.name == "posix"


class Resolution(NamedTuple):
    """Where google-auth would get credentials from."""

    file: Optional[AdcFile]
    """None when no file applies (then the metadata server is next)."""
    gcloud_dir: str
    on_gce: bool
    tried: tuple[str, ...]
    """The places looked at, in order, for evidence."""


def home(environ: Mapping[str, str]) -> Path:
    """The user's home folder as the target's processes see it."""
    h = environ.get("HOME") or environ.get("USERPROFILE")
    return Path(h) if h else Path.home()


def gcloud_config_dir(environ: Mapping[str, str]) -> Path:
    """CLOUDSDK_CONFIG, else %APPDATA%/gcloud on Windows, else ~/.config/gcloud (google.auth._cloud_sdk)."""
    if environ.get("CLOUDSDK_CONFIG"):
        return Path(environ["CLOUDSDK_CONFIG"])
    if os.name == "nt" and environ.get("APPDATA"):
        return Path(environ["APPDATA"]) / "gcloud"
    return home(environ) / ".config" / "gcloud"


def on_gce(product_file: str = GCE_PRODUCT_FILE) -> bool:
    """google-auth's residency check: the DMI product name starts with ``Google``."""
    try:
        return read_text(product_file, limit=4096, errors="replace").strip().startswith("Google")
    except OSError:
        return False


def read_file(path: Path, source: str) -> AdcFile:
    """Read and validate one credentials file."""
    p = str(path)
    if not inputs.exists(path):
        return AdcFile(p, source, exists=False, error_code="LCD421", error=f"File {p} was not found.")
    try:
        st = inputs.stat(path)
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(path)
        mode = stat.S_IMODE(st.st_mode) if st is not None else None
        text = read_text(path, limit=CREDENTIAL_FILE_LIMIT, content=True)
    except IsADirectoryError:
        return AdcFile(p, source, error_code="LCD422", error=f"{p} is a folder, not a file")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        return AdcFile(p, source, error_code="LCD422", error=f"{p} cannot be read: {reason}")
    try:
        info = json.loads(text)
    except json.JSONDecodeError as exc:
        return AdcFile(p, source, error_code="LCD423", error=f"File {p} is not a valid json file ({exc.msg})",
                       mode=mode)
    if not isinstance(info, dict):
        return AdcFile(p, source, error_code="LCD423", error=f"File {p} does not hold a JSON object", mode=mode)
    kind = info.get("type")
    if kind not in REQUIRED:
        return AdcFile(p, source, error_code="LCD423", info=info, mode=mode,
                       error=f"The file {p} does not have a valid type. Type is {kind!r}, expected one of "
                       f"{', '.join(REQUIRED)}")
    missing = [k for k in REQUIRED[str(kind)] if not info.get(k)]
    if missing:
        return AdcFile(p, source, error_code="LCD423", info=info, mode=mode,
                       error=f"{kind} credentials in {p} lack {', '.join(missing)}")
    if kind == "service_account" and "PRIVATE KEY-----" not in str(info.get("private_key", "")):
        return AdcFile(p, source, error_code="LCD423", info=info, mode=mode,
                       error=f"private_key in {p} is not a PEM private key")
    return AdcFile(p, source, info=info, mode=mode)


def resolve(environ: Mapping[str, str], *, product_file: str = GCE_PRODUCT_FILE) -> Resolution:
    """The credentials google.auth.default() would pick, without network."""
    tried: list[str] = []
    gdir = gcloud_config_dir(environ)
    explicit = environ.get("GOOGLE_APPLICATION_CREDENTIALS", "")
    if explicit:
        tried.append(f"GOOGLE_APPLICATION_CREDENTIALS={explicit}")
        return Resolution(read_file(Path(explicit).expanduser(), "GOOGLE_APPLICATION_CREDENTIALS"),
                          str(gdir), False, tuple(tried))
    tried.append("GOOGLE_APPLICATION_CREDENTIALS: unset")
    well_known = gdir / ADC_FILE
    if inputs.exists(well_known) and not inputs.is_dir(well_known):
        tried.append(f"gcloud file: {well_known}")
        return Resolution(read_file(well_known, "gcloud"), str(gdir), False, tuple(tried))
    tried.append(f"gcloud file: {well_known} (not found)")
    gce = on_gce(product_file) or bool(environ.get("GCE_METADATA_HOST"))
    tried.append("metadata server: " + ("this looks like a Google Cloud machine" if gce else
                                         "not a Google Cloud machine (not contacted)"))
    return Resolution(None, str(gdir), gce, tuple(tried))


def gcloud_project(gdir: Path) -> Optional[str]:
    """``core/project`` of gcloud's active configuration (configurations/config_NAME), if set."""
    name = "default"
    try:
        name = read_text(gdir / "active_config", limit=4096, content=True).strip() or "default"
    except OSError:
        pass
    path = gdir / "configurations" / f"config_{name}"
    if not inputs.exists(path):
        return None  # gcloud never configured here: configparser is not even imported
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(read_text(path, limit=CREDENTIAL_FILE_LIMIT, content=True), source=str(path))
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None
    value = parser.get("core", "project", fallback="").strip()
    return value or None


def project(environ: Mapping[str, str], res: Resolution) -> tuple[Optional[str], str]:
    """(project id, where it came from) as Vertex AI resolves it; (None, "") when none resolves."""
    for var in PROJECT_VARS:
        if environ.get(var, "").strip():
            return environ[var].strip(), var
    info = res.file.info if res.file is not None and not res.file.error_code else {}
    if info.get("project_id"):
        return str(info["project_id"]), f"project_id in {res.file.path if res.file else ''}"
    from_gcloud = gcloud_project(Path(res.gcloud_dir))
    if from_gcloud:
        return from_gcloud, f"gcloud config ({res.gcloud_dir})"
    return None, ""


def quota_project(environ: Mapping[str, str], res: Resolution) -> Optional[str]:
    """GOOGLE_CLOUD_QUOTA_PROJECT or the file's quota_project_id."""
    if environ.get("GOOGLE_CLOUD_QUOTA_PROJECT"):
        return environ["GOOGLE_CLOUD_QUOTA_PROJECT"]
    if res.file is not None and res.file.info.get("quota_project_id"):
        return str(res.file.info["quota_project_id"])
    return None
