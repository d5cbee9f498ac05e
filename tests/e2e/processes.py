"""What the end-to-end scripts share: free loopback ports, servers started and stopped by
their own process ids (never by name), and checks that fail with a message."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Which backend's builds to run: WASIO_BACKEND=p3 takes those of `--features p3`, which
# scripts/test builds into target/p3 so that both sets stand side by side.
BACKEND = os.environ.get("WASIO_BACKEND", "p2")
if BACKEND not in ("p2", "p3"):
    sys.exit(f"WASIO_BACKEND is p2 or p3, not {BACKEND!r}")
# WASIO_PANIC=unwind takes the builds whose panics unwind (`-Cpanic=unwind` with nightly's
# build-std, which scripts/test makes into target/unwind and target/unwind-p3).
PANIC = os.environ.get("WASIO_PANIC", "abort")
if PANIC not in ("abort", "unwind"):
    sys.exit(f"WASIO_PANIC is abort or unwind, not {PANIC!r}")
TARGET_DIR = {
    ("p2", "abort"): ["target"],
    ("p3", "abort"): ["target", "p3"],
    ("p2", "unwind"): ["target", "unwind"],
    ("p3", "unwind"): ["target", "unwind-p3"],
}[BACKEND, PANIC]
TARGET = os.path.join(ROOT, *TARGET_DIR, "wasm32-wasip2")
EXAMPLES = os.path.join(TARGET, "debug", "examples")
EXAMPLES_RELEASE = os.path.join(TARGET, "release", "examples")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command, port, name=None, cwd=ROOT, env=None, group=False):
    """Starts `command` in `cwd` (with `env`, or this process's environment); returns the
    process once `port` accepts connections. What it prints goes to a file (no pipe fills
    up), which `stop` returns. With `group`, the process leads a process group of its own,
    which `stop` ends whole (for a server that starts children, such as jco)."""
    name = name or command[0]
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=cwd,
                               env=env, start_new_session=group)
    process.group = group
    process.log = log
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{name} exited at start: {stop(process)}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{name} did not listen on port {port} in 60 s: {stop(process)}")


def stop(process):
    """Stops the process (this one only, or the process group it leads when started with
    `group`) and returns what it printed."""
    if process.group:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            # SIGKILL ends whatever of the group outlived its leader's SIGTERM.
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
    elif process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    process.log.seek(0)
    return process.log.read()


def wasmtime_serve(wasm, name):
    """Starts `wasmtime serve -Scli` for `wasm` on a free port: (process, base URL)."""
    port = free_port()
    command = ["wasmtime", "serve", "-Scli", "--addr", f"127.0.0.1:{port}", wasm]
    return start(command, port, name=name), f"http://127.0.0.1:{port}"


def jco_serve(wasm, name, *flags):
    """Serves `wasm` with jco (scripts/jco-serve, which says how for each backend) on a free
    port, with `jco serve`'s `flags`: (process, base URL). jco starts a child process, so the
    server runs in a process group of its own, which `stop` ends."""
    port = free_port()
    command = [os.path.join(ROOT, "scripts", "jco-serve"), wasm, "127.0.0.1", str(port), *flags]
    return start(command, port, name=f"jco ({name})", group=True), f"http://127.0.0.1:{port}"


def run_checks(what, process, checks):
    """Runs the coroutine `checks`, then stops `process`; on a failed check (or any error,
    such as a timeout), exits with what the process printed."""
    try:
        asyncio.run(checks)
    except Exception as error:
        sys.exit(f"{what}: {error!r}\nthe server said:\n{stop(process)[-3000:]}")
    stop(process)


def check(condition, message):
    if not condition:
        raise AssertionError(message)
