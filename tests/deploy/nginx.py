"""Run deploy/nginx.conf for tests: checked with `nginx -t`, or serving on loopback."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from tests.workshops.live import ROOT, free_port

SITE = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)),
    None,
)


def _wrapper(folder: Path, site: Path) -> Path:
    """Write a main configuration including `site`, as /etc/nginx/nginx.conf does."""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    wrapper = folder / "nginx.conf"
    wrapper.write_text(
        f"{user}daemon off;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'};\nevents {{}}\n"
        "http {\n"
        "    types { text/html html; text/css css; application/javascript js; }\n"
        f"    access_log {folder / 'access.log'};\n{temp}\n"
        f"    include {site};\n}}\n"
    )
    return wrapper


def check(folder: Path) -> subprocess.CompletedProcess:
    """Run `nginx -t` on the site file, with a throwaway certificate in place."""
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=localhost", "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    text = re.sub(
        r"ssl_certificate (\S+);", f"ssl_certificate {certificate};", SITE.read_text()
    )
    text = re.sub(r"ssl_certificate_key (\S+);", f"ssl_certificate_key {key};", text)
    site = folder / "site.conf"
    site.write_text(text)
    return _run(folder, _wrapper(folder, site), "-t")


def _run(folder: Path, wrapper: Path, *options: str, **popen):
    command = [NGINX, "-p", str(folder), "-e", str(folder / "error.log")]
    command += ["-c", str(wrapper), *options]
    if popen:
        return subprocess.Popen(command, **popen)
    return subprocess.run(command, capture_output=True, text=True)


def plain_http_site(app_ports: list[int], port: int) -> str:
    """Return the site file serving plain HTTP on loopback `port` before `app_ports`."""
    text = SITE.read_text()
    # Only the HTTPS server, listening on loopback without TLS.
    text = re.sub(r"server \{\n    listen 80;.*?\n\}\n", "", text, flags=re.DOTALL)
    text = re.sub(r"listen \[::\]:443 ssl http2;\n", "", text)
    text = re.sub(r"listen 443 ssl http2;", f"listen 127.0.0.1:{port};", text)
    text = re.sub(r"\n\s*ssl_\w+ [^;]+;", "", text)
    text = text.replace("/srv/agora/static/", f"{ROOT / 'static'}/")
    for default, real in zip(("8001", "8002"), app_ports, strict=True):
        text = text.replace(f"127.0.0.1:{default};", f"127.0.0.1:{real};")
    return text


@contextmanager
def running_nginx(folder: Path, app_urls: list[str]):
    """Serve the site file on a free loopback port in front of `app_urls`."""
    port = free_port()
    site = folder / "site.conf"
    ports = [int(url.rsplit(":", 1)[1]) for url in app_urls]
    site.write_text(plain_http_site(ports, port))
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / kind).mkdir(exist_ok=True)
    process = _run(
        folder,
        _wrapper(folder, site),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, process, folder / "error.log")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nginx did not start in time")
