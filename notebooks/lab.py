"""`make lab`: JupyterLab on the demo graph, with the API running and a key for the notebooks.

    python notebooks/lab.py [--people N] [--seed S] [--port P]

Loads the demo data if the graph is empty (`graphsvc demo --no-serve`), creates an analyst key for
this session, serves the API, and opens JupyterLab on notebooks/ with GRAPHSVC_URL, GRAPHSVC_API_KEY
and GRAPHSVC_SYNTH_DIR (the synthetic CRM's ground truth) set for the notebooks. When JupyterLab
stops, the API stops and the key is revoked; Neo4j keeps running (`graphsvc neo4j stop`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from graphsvc.config import Settings

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def graphsvc(*args: str) -> dict[str, object]:
    """Run a `graphsvc` command with --json; its JSON answer."""
    done = subprocess.run([str(BIN / "graphsvc"), *args, "--json"], check=True, capture_output=True, text=True)
    answer: dict[str, object] = json.loads(done.stdout)
    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRAPHSVC_PORT", "8000")))
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped by TERM: still stop the API, revoke the key
    jupyter = shutil.which("jupyter", path=str(BIN)) or shutil.which("jupyter")
    if jupyter is None:
        sys.exit("JupyterLab is not installed here: pip install -e '.[notebooks]' (make lab does)")

    print(f"Loading the demo graph ({args.people} people, if it is empty) ...", flush=True)
    loaded = graphsvc("demo", "--no-serve", "--people", str(args.people), "--seed", str(args.seed))
    # the ground truth: where this run wrote it, else where an earlier run with these people and seed did
    made = loaded.get("synth_dir")
    state = Path(str(made)) if made else Settings().state_dir / "demo" / f"synth-{args.people}-{args.seed}"
    key = graphsvc("apikey", "create", "--name", f"notebooks {time.strftime('%Y-%m-%d %H:%M')}", "--role", "analyst")
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen([str(BIN / "graphsvc"), "serve", "--host", "127.0.0.1", "--port", str(args.port)])
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit(f"the API did not start on {base}")
            time.sleep(0.5)
        env = {
            **os.environ,
            "GRAPHSVC_URL": base,
            "GRAPHSVC_API_KEY": str(key["secret"]),
            "GRAPHSVC_SYNTH_DIR": str(state.resolve()) if state.is_dir() else "",
        }
        print(f"The API is at {base}; opening JupyterLab on {HERE} (Ctrl+C twice stops both).", flush=True)
        lab = [jupyter, "lab", f"--notebook-dir={HERE}"]
        if os.name == "posix" and os.geteuid() == 0:  # a container's root: Jupyter wants to be told
            lab.append("--allow-root")
        subprocess.run(lab, env=env, check=False)
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
        server.wait(timeout=30)
        graphsvc("apikey", "revoke", str(key["id"]))
        print("The API stopped and the notebooks' key is revoked; `graphsvc neo4j stop` stops Neo4j.")


if __name__ == "__main__":
    main()
