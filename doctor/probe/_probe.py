"""Runs inside the TARGET interpreter: imports/constructs what it is told and sends one JSON line per item.

Standard library only, Python 3.9+, no imports from the doctor. Each item is isolated as far as one process
allows: os.environ, sys.path, the working directory and sys.stdout/stderr are restored after it; SystemExit and
KeyboardInterrupt are results; the network is unreachable (``_socket`` itself refuses to connect, send to an
address or resolve a name). Results go to an inherited pipe (``$LCDOCTOR_PROBE_FD``, removed from the
environment before any item runs), each line prefixed with the job's random token, so that a line the code under
test writes there is told apart. A crash or hang is detected by the parent from the last line it received, and the
remaining items are re-run in a fresh process.

A job sent with ``"network": true`` may hold only ``invoke`` items (``--smoke``: construct the class, ``invoke``
once, response metadata back as JSON) and ``snippet`` items (credential resolution with the target's own
google-auth or botocore; the result is the snippet's ``out`` dict).
"""
import sys

# Our own stdlib imports must not be shadowed by a user's json.py in the notebook folder: import them with
# the working directory off sys.path, then put it back exactly as the user's code will see it.
_saved_path = sys.path[:]
sys.path[:] = [p for p in sys.path if p not in ("", ".")]
import faulthandler  # noqa: E402
import importlib  # noqa: E402
import importlib.util  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import warnings  # noqa: E402

sys.path[:] = _saved_path

LOST_PIPE = 86
_ITEM_MARK = "langchain-doctor probe item:"
# Texts are sent generously bounded and whole words only: the host redacts them whole, then cuts them to its
# own, smaller bounds (doctor.probejobs.redacted). A cut here never leaves part of a token (a key's tail
# without the prefix that identifies it): the partial word at the cut is dropped.
_MAX_TEXT = 64000
_MAX_STREAM = 8000


def _cut(text, limit, tail=False):
    """At most ``limit`` characters of ``text``, never a partial word at the cut."""
    text = str(text)
    if len(text) <= limit:
        return text
    if tail:
        part = text[len(text) - limit:]
        i = min([j for j in (part.find(" "), part.find("\n")) if j >= 0] or [len(part)])
        return "... " + part[i + 1:]
    part = text[:limit]
    i = max(part.rfind(" "), part.rfind("\n"))
    return part[:max(i, 0)] + " ..."


_MAX_FRAMES = 12
_MAX_WARNINGS = 20
# The files of the modules the probe loaded (paths only, never content), so that the host can key its cache on
# them: bounded in count, in each path's length and in total; past a bound the result says it is incomplete.
_MAX_LOADED = 20000
_MAX_LOADED_CHARS = 2000000
_MAX_PATH = 1024
_reported = set()
_loaded_budget = [_MAX_LOADED, _MAX_LOADED_CHARS]


class _Bounded(io.TextIOBase):
    """A write-only stream that keeps the first N characters and counts the rest."""

    def __init__(self, limit):
        self.limit = limit
        self.parts = []
        self.size = 0
        self.dropped = 0

    def writable(self):
        return True

    def write(self, s):
        s = str(s)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(s[:room])
            self.size += min(len(s), room)
        self.dropped += max(0, len(s) - max(room, 0))
        return len(s)

    def value(self):
        text = "".join(self.parts)
        if self.dropped:
            text = text[:max(text.rfind(" "), text.rfind("\n"), 0)]  # no partial word (a key's fragment) at the cut
            text += "\n... (%d more characters)" % self.dropped
        return text


def _refuse(*args, **kwargs):
    raise OSError(101, "network is unreachable (disabled by langchain-doctor's probe)")


def _block_network():
    """Make the network unreachable for everything above the C library: ``_socket`` and ``socket`` both."""
    import _socket

    unix = getattr(_socket, "AF_UNIX", None)
    base = _socket.socket

    def _local(sock):
        return sock.family == unix

    class socket_(base):
        __slots__ = ()

        def connect(self, address):
            if _local(self):
                return base.connect(self, address)
            _refuse()

        def connect_ex(self, address):
            if _local(self):
                return base.connect_ex(self, address)
            return 101

        def sendto(self, *args):
            if _local(self):
                return base.sendto(self, *args)
            _refuse()

        def sendmsg(self, *args):
            if _local(self) or len(args) < 4 or args[3] is None:
                return base.sendmsg(self, *args)
            _refuse()

    socket_.__name__ = socket_.__qualname__ = "socket"
    socket_.__module__ = base.__module__
    _socket.socket = _socket.SocketType = socket_
    # socket.socket subclasses the C type directly: its methods are replaced too.
    for name in ("connect", "connect_ex", "sendto", "sendmsg"):
        setattr(socket.socket, name, socket_.__dict__[name])
    socket.SocketType = socket_
    for mod in (_socket, socket):
        for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo"):
            if hasattr(mod, name):
                setattr(mod, name, _refuse)
    socket.create_connection = _refuse


def _module_origin(name):
    mod = sys.modules.get(name)
    info = {"module": name}
    if mod is not None:
        info["file"] = getattr(mod, "__file__", None)
        path = getattr(mod, "__path__", None)
        info["path"] = [str(p) for p in path] if path is not None else None
        spec = getattr(mod, "__spec__", None)
        info["origin"] = getattr(spec, "origin", None) if spec is not None else None
        return info
    try:
        spec = importlib.util.find_spec(name)
    except Exception as exc:  # a broken parent package
        info["find_spec_error"] = _cut("%s: %s" % (type(exc).__name__, exc), 2000)
        return info
    if spec is None:
        info["missing"] = True
        return info
    info["file"] = spec.origin if spec.has_location else None
    info["origin"] = spec.origin
    locs = spec.submodule_search_locations
    info["path"] = [str(p) for p in locs] if locs is not None else None
    return info


def _module_file(mod):
    """The file a loaded module came from, read without running any of its code (no module ``__getattr__``)."""
    try:
        d = vars(mod)
    except TypeError:
        return None
    path = d.get("__file__")
    if not isinstance(path, str):
        spec = d.get("__spec__")
        try:
            path = spec.origin if spec is not None and spec.has_location else None
        except Exception:
            return None
    return path if isinstance(path, str) else None


def _newly_loaded(result):
    """Add to ``result`` the files of the modules loaded since the last report (the first: since start-up)."""
    paths = []
    for name, mod in list(sys.modules.items()):
        if name in _reported:
            continue
        _reported.add(name)
        path = _module_file(mod)
        if not path or not os.path.isabs(path):
            continue  # built-in, frozen, a namespace package: no file of its own
        if len(path) > _MAX_PATH or _loaded_budget[0] <= 0 or _loaded_budget[1] < len(path):
            result["loaded_truncated"] = True
            continue
        _loaded_budget[0] -= 1
        _loaded_budget[1] -= len(path)
        paths.append(path)
    if paths:
        result["loaded"] = paths


def _frames(tb):
    out = []
    for fs in traceback.extract_tb(tb)[-_MAX_FRAMES:]:
        out.append("%s:%s in %s" % (fs.filename, fs.lineno, fs.name))
    return out


def _resolve(value):
    if value == "@probe:google-anonymous-credentials":
        from google.auth.credentials import AnonymousCredentials

        return AnonymousCredentials()
    if isinstance(value, str) and value.startswith("@probe:env:"):
        # A secret is named, never sent: the key is read here, in the process that uses it.
        return os.environ.get(value[len("@probe:env:"):])
    if isinstance(value, str) and value.startswith("@probe:botocore-config:"):
        from botocore.config import Config

        seconds = float(value.rsplit(":", 1)[1])
        return Config(connect_timeout=seconds, read_timeout=seconds, retries={"total_max_attempts": 1})
    return value


_SECRET_KEY_WORDS = ("api_key", "apikey", "authorization", "secret", "password", "credential")
_MAX_DEPTH = 6
_MAX_ITEMS = 60


def _jsonable(value, depth=0):
    """Response metadata as plain JSON data: bounded, objects turned into dicts or short strings."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return _cut(value, 300)
    if depth >= _MAX_DEPTH:
        return "..."
    dump = getattr(value, "model_dump", None) or getattr(value, "dict", None)
    if not isinstance(value, (dict, list, tuple)) and callable(dump):
        try:
            value = dump()
        except Exception:
            return type(value).__name__
    if isinstance(value, dict):
        out = {}
        for k, v in list(value.items())[:_MAX_ITEMS]:
            key = str(k)
            if any(w in key.lower() for w in _SECRET_KEY_WORDS):
                out[key] = "<omitted>"
                continue
            out[key] = _jsonable(v, depth + 1)
        return out
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, depth + 1) for v in list(value)[:_MAX_ITEMS]]
    return type(value).__name__


def _invoke(item, send):
    mod = importlib.import_module(item["module"])
    cls = getattr(mod, item["attr"])
    kwargs = dict((k, _resolve(v)) for k, v in item.get("kwargs", {}).items())
    llm = cls(**kwargs)
    # The call begins: it waits on the network (no CPU), so it gets a deadline of its own, whatever the import
    # took on a loaded machine (the parent grants this once per item).
    send({"id": item["id"], "status": "started", "phase": "call"})
    start = time.time()
    msg = llm.invoke(item.get("prompt") or "Reply with OK.")
    latency = time.time() - start
    content = getattr(msg, "content", "")
    return {
        "latency_s": round(latency, 3),
        "message_type": type(msg).__name__,
        "content_chars": len(content) if isinstance(content, str) else len(str(content)),
        "response_metadata": _jsonable(getattr(msg, "response_metadata", None)),
        "usage_metadata": _jsonable(getattr(msg, "usage_metadata", None)),
    }


def _http_info(exc):
    """The HTTP status and error code carried by an SDK's exception (or its cause), if any."""
    seen = 0
    while exc is not None and seen < 5:
        seen += 1
        info = {}
        status = getattr(exc, "status_code", None)
        response = getattr(exc, "response", None)
        if isinstance(response, dict):  # botocore ClientError
            status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode", status)
            info["error_code"] = str((response.get("Error") or {}).get("Code") or "")[:100]
        elif status is None and response is not None:
            status = getattr(response, "status_code", None)
        if status is None and isinstance(getattr(exc, "code", None), int):  # google.api_core, google.genai
            status = exc.code
        code = getattr(exc, "code", None)
        if isinstance(code, str) and "error_code" not in info:
            info["error_code"] = code[:100]
        if isinstance(status, int):
            info["http_status"] = status
            return info
        exc = exc.__cause__ or exc.__context__
    return {}


def _run_item(item, send):
    op = item["op"]
    if op == "import":
        importlib.import_module(item["module"])
        return None
    if op == "getattr":
        # The real statement, so that the error is worded exactly as the user's cell shows it.
        exec(compile("from %s import %s" % (item["module"], item["attr"]), "<probe>", "exec"), {})
        return None
    if op == "construct":
        mod = importlib.import_module(item["module"])
        cls = getattr(mod, item["attr"])
        kwargs = dict((k, _resolve(v)) for k, v in item.get("kwargs", {}).items())
        cls(**kwargs)
        return None
    if op == "exec":
        code = compile(item["source"], item.get("filename", "<notebook>"), "exec")
        exec(code, {"__name__": "__main__"})
        return None
    if op == "invoke":
        return _invoke(item, send)
    if op == "snippet":
        scope = {"__name__": "__probe_snippet__", "args": item.get("args") or {}}
        try:
            exec(compile(item["source"], "<probe-snippet>", "exec"), scope)
        except SystemExit:
            pass  # done(): the snippet's answer is complete
        out = scope.get("out")
        return out if isinstance(out, dict) else {"error_class": "ProbeError", "message": "the snippet gave no answer"}
    raise ValueError("unknown op %r" % op)


def _one(item, failed, send):
    after = item.get("after")
    if after and after in failed:
        return {"id": item["id"], "status": "skipped", "reason": "depends on %s, which failed" % after}
    saved_env = dict(os.environ)
    saved_path = sys.path[:]
    saved_cwd = os.getcwd()
    out, err = _Bounded(_MAX_STREAM), _Bounded(_MAX_STREAM)
    real_out, real_err = sys.stdout, sys.stderr
    for key, value in item.get("env", {}).items():
        os.environ[key] = value
    result = {"id": item["id"], "status": "ok"}
    start = time.time()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sys.stdout, sys.stderr = out, err
        try:
            value = _run_item(item, send)
            if value is not None:
                result["value"] = value
        except BaseException as exc:  # SystemExit, KeyboardInterrupt too: they are results here
            if item["op"] == "invoke":
                result["http"] = _http_info(exc)
            result["status"] = "error"
            result["exc_type"] = type(exc).__name__
            result["exc_module"] = type(exc).__module__
            if isinstance(exc, SystemExit):
                result["message"] = "import called sys.exit(%r)" % (exc.code,)
            else:
                result["message"] = _cut(exc, _MAX_TEXT)
            result["frames"] = _frames(exc.__traceback__)
            result["traceback"] = _cut("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
                                       _MAX_TEXT, tail=True)
        finally:
            sys.stdout, sys.stderr = real_out, real_err
    result["duration"] = round(time.time() - start, 4)
    result["warnings"] = [
        {"category": w.category.__name__, "message": _cut(w.message, 4000),
         "where": "%s:%s" % (w.filename, w.lineno)}
        for w in caught[:_MAX_WARNINGS]
    ]
    if "module" in item:
        result["origin"] = _module_origin(item["module"])
    result["stdout"] = out.value()
    result["stderr"] = err.value()
    try:
        _newly_loaded(result)
    except Exception:  # a sys.modules the code under test broke: the host cannot key on what it read
        result["loaded_truncated"] = True
    # Undo what the import did to the process-wide state, so the next item sees what the user's code would.
    os.environ.clear()
    os.environ.update(saved_env)
    sys.path[:] = saved_path
    try:
        os.chdir(saved_cwd)
    except OSError:
        pass
    return result


def _channel(token):
    """The write side of the results pipe, kept out of the environment and out of module globals."""
    fd = int(os.environ.pop("LCDOCTOR_PROBE_FD"))

    def send(record):
        data = (token + " " + json.dumps(record, default=str) + "\n").encode("utf-8", "replace")
        try:
            while data:
                data = data[os.write(fd, data):]
        except OSError:
            os._exit(LOST_PIPE)  # the code under test closed or replaced the results pipe

    return send


def main():
    job = json.loads(sys.stdin.read())
    send = _channel(job.pop("token"))
    # Set by the launcher that sealed this process (doctor/probe/_launch.py): "seccomp", or why not.
    sealed = os.environ.pop("LCDOCTOR_PROBE_FILTER", "")
    network = bool(job.get("network"))
    if not network:
        _block_network()
    elif any(item["op"] not in ("invoke", "snippet") for item in job["items"]):
        # The network is open only for smoke calls and credential snippets: a job that mixes in anything else
        # is refused whole.
        raise SystemExit("langchain-doctor probe: only invoke and snippet items may run with the network open")
    # Where an item stands when the parent stops it: the parent sends this signal first, and the frames are dumped
    # by the interrupted thread itself. Never a dump_traceback_later timer: its watchdog thread reads the frames of
    # a running import without the GIL and can crash the interpreter (SIGSEGV) while a slow import goes on.
    dump_signal = int(job.get("dump_signal") or 0)
    if dump_signal and hasattr(faulthandler, "register"):
        faulthandler.register(dump_signal, file=sys.__stderr__, all_threads=True)
    else:
        dump_signal = 0
    failed = set()
    for item in job["items"]:
        send({"id": item["id"], "status": "started"})
        if dump_signal:
            try:  # so that the parent reads the frames of this item's dump, not an earlier one's
                os.write(2, ("\n%s %s\n" % (_ITEM_MARK, item["id"])).encode("utf-8", "replace"))
            except OSError:
                pass
        res = _one(item, failed, send)
        if res["status"] != "ok":
            failed.add(item["id"])
        res["filter"] = sealed
        send(res)
    # os._exit: skip interpreter teardown, where a broken package's atexit hooks or threads could hang us.
    os._exit(0)


main()
