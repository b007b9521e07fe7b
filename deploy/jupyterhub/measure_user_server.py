"""What one student's server on a JupyterHub holds: a jupyter-server with chapter 6 open, run, and its Voilà page.

On a JupyterHub each student has a single-user server (jupyter-server, and one kernel per open notebook).
This starts one locally, configured as ``config.yaml`` configures the hub's (its ``singleuser.extraFiles``
written to a configuration folder, its ``JUPYTER_PATH`` pointed at this checkout), and reads the memory of
the server and its kernels (resident, and proportional: shared pages divided among the processes that share
them, closer to what the pod's memory limit counts) at four moments:

1. the server started, nothing open;
2. chapter 6 opened in JupyterLab: a session (and kernel) started through the server's API, and every code
   cell run in that kernel through jupyter_client, as a student running the chapter does;
3. the same chapter's Voilà link opened as well (``/voila/render/...``: a second kernel runs the chapter);
4. the Voilà page gone (its kernel shut down, as Voilà does when the page closes).

It also checks that the Voilà page is served with the course's template (no link to a CDN) and code hidden.
Run: python deploy/jupyterhub/measure_user_server.py [--chapter 06_clinical_trials]
"""
import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
import yaml
from jupyter_client import BlockingKernelClient

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("config.yaml")
# Where the image built with `jupyter-repo2docker --target-repo-dir` holds the repository; here, the checkout.
IMAGE_REPO_DIR = "/srv/mscteach"
parser = argparse.ArgumentParser()
parser.add_argument("--chapter", default="06_clinical_trials")
args = parser.parse_args()


def memory(root: psutil.Process) -> tuple[float, float, int]:
    """(resident MB, proportional MB, kernels) of the server and every process under it."""
    rss = pss = 0
    kernels = 0
    for p in [root, *root.children(recursive=True)]:
        try:
            info = p.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
            kernels += "ipykernel" in " ".join(p.cmdline())
        except psutil.Error:
            pass
    return rss / 2**20, pss / 2**20, kernels


def cpu_seconds(root: psutil.Process) -> float:
    """Processor time (user and system) the server and every process under it have used so far."""
    total = 0.0
    for p in [root, *root.children(recursive=True)]:
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url: str, token: str, method: str = "GET", body: dict | None = None, timeout: float = 600) -> bytes:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=timeout) as response:
        return response.read()


def hub_configuration(folder: Path) -> dict[str, str]:
    """Write config.yaml's files for the user's server under ``folder``; return its environment, as on the hub."""
    singleuser = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["singleuser"]
    for entry in (singleuser.get("extraFiles") or {}).values():
        mount = Path(entry["mountPath"])
        if mount.parent != Path("/etc/jupyter"):
            raise SystemExit(f"{CONFIG}: only files in /etc/jupyter are reproduced here, not {mount}")
        (folder / mount.name).write_text(json.dumps(entry["data"]), encoding="utf-8")
    return {name: str(value).replace(IMAGE_REPO_DIR, str(ROOT))
            for name, value in (singleuser.get("extraEnv") or {}).items()}


def run_chapter(connection_file: Path, notebook: Path) -> int:
    """Run every code cell of ``notebook`` in the kernel; return the number of cells run (errors stop it)."""
    client = BlockingKernelClient(connection_file=str(connection_file))
    client.load_connection_file()
    client.start_channels(hb=False)  # a loaded machine misses heartbeats; the kernel is the server's to watch
    client.wait_for_ready(timeout=120)
    cells = [c for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    for number, cell in enumerate(cells, 1):
        try:
            reply = client.execute_interactive("".join(cell["source"]), timeout=300, output_hook=lambda msg: None)
        except TimeoutError:
            raise SystemExit(f"{notebook.name}: code cell {number} had no reply within 5 minutes") from None
        if reply["content"]["status"] != "ok":
            raise SystemExit(f"{notebook.name}: a cell failed: {reply['content'].get('ename')}: "
                             f"{reply['content'].get('evalue')}")
    client.stop_channels()
    return len(cells)


def main() -> None:
    notebook = ROOT / "notebooks" / f"{args.chapter}.ipynb"
    path = notebook.relative_to(ROOT).as_posix()
    token, port = secrets.token_hex(16), free_port()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "etc").mkdir()
        (tmp / "runtime").mkdir()
        env = {**os.environ, **hub_configuration(tmp / "etc"), "JUPYTER_CONFIG_PATH": str(tmp / "etc"),
               "JUPYTER_RUNTIME_DIR": str(tmp / "runtime")}
        bin_dir = Path(sys.executable).parent
        log = (tmp / "server.log").open("w")
        # --allow-root: a development container may run as root; the hub's pods run as jovyan
        server = subprocess.Popen([str(bin_dir / "jupyter"), "server", "--no-browser", "--allow-root",
                                   f"--port={port}", f"--IdentityProvider.token={token}",
                                   f"--ServerApp.root_dir={ROOT}"], env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(240):
                try:
                    request(f"{base}/api/status", token, timeout=5)
                    break
                except OSError:
                    time.sleep(0.5)
            else:
                raise SystemExit("the server did not start within 2 minutes")
            root = psutil.Process(server.pid)
            time.sleep(3)
            figures = {"server started": memory(root)}

            session = json.loads(request(f"{base}/api/sessions", token, "POST",
                                         {"path": path, "type": "notebook", "name": notebook.name,
                                          "kernel": {"name": "python3"}}))
            kernel_id = session["kernel"]["id"]
            started, cpu = time.perf_counter(), cpu_seconds(root)
            cells = run_chapter(tmp / "runtime" / f"kernel-{kernel_id}.json", notebook)
            ran, ran_cpu = time.perf_counter() - started, cpu_seconds(root) - cpu
            time.sleep(3)
            figures[f"{args.chapter} run in JupyterLab"] = memory(root)

            started, cpu = time.perf_counter(), cpu_seconds(root)
            page = request(f"{base}/voila/render/{path}", token).decode("utf-8")
            rendered, rendered_cpu = time.perf_counter() - started, cpu_seconds(root) - cpu
            time.sleep(3)
            figures["and its Voilà page"] = memory(root)
            voila_kernel = re.search(r'"kernelId": "([0-9a-f-]{36})"', page)
            if voila_kernel is None:
                raise SystemExit("the Voilà page names no kernel: was it rendered?")
            cdn = sorted(set(re.findall(r'(?:src|href)="(https?://[^"]+)"', page)))
            template = "voila/templates/mscteach/" in page
            # lines of code with no character HTML would escape, e.g. "import mscteach": none may be on the page
            plain = [line.strip() for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
                     if c["cell_type"] == "code" for line in "".join(c["source"]).splitlines()
                     if re.fullmatch(r"[\w .,()]{12,}", line.strip())]
            code_shown = any(line in page for line in plain)
            request(f"{base}/api/kernels/{voila_kernel.group(1)}", token, "DELETE")
            time.sleep(3)
            figures["Voilà page closed"] = memory(root)
        except BaseException:
            log.flush()
            print("the server's log ends:\n" + (tmp / "server.log").read_text(encoding="utf-8")[-4000:],
                  file=sys.stderr)
            raise
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
    print(f"chapter {args.chapter}: {cells} code cells run in {ran:.1f} s ({ran_cpu:.1f} s of processor time); "
          f"Voilà page rendered in {rendered:.1f} s ({rendered_cpu:.1f} s of processor time) "
          f"(course template: {'yes' if template else 'NO'}; code hidden: {'no' if code_shown else 'yes'}; "
          f"links off the machine: {cdn or 'none'})")
    for moment, (rss, pss, kernels) in figures.items():
        print(f"{moment:<40} resident {rss:6.0f} MB   proportional {pss:6.0f} MB   kernels {kernels}")


if __name__ == "__main__":
    main()
