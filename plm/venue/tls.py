"""A local certificate authority and server certificate for HTTPS on the venue LAN, and the Caddy
configuration that serves PLM with them. Plain functions over files, no Flask (used by `scripts/venue`,
the bench and the tests).

Phone cameras need a secure origin; a hotel LAN address has no public certificate. So the laptop makes
its own CA once (kept under instance/venue/, reused across runs so phones install it only once) and a
server certificate for the LAN address. The CA is name-constrained to private addresses and `.lan`/`.test`
names: a phone that installed it cannot be fooled by it for any public site, even if the key leaked.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import os
import socket
import subprocess
import tempfile
from pathlib import Path

CA_DAYS = 825
SERVER_DAYS = 397  # the longest a browser accepts for a server certificate
PRIVATE_NETWORKS = ("10.0.0.0/255.0.0.0", "172.16.0.0/255.240.0.0", "192.168.0.0/255.255.0.0",
                    "127.0.0.0/255.0.0.0")
PRIVATE_NAMES = ("lan", "test", "local", "localhost")


def _openssl(*args: str) -> bytes:
    return subprocess.run(["openssl", *args], check=True, capture_output=True).stdout


def lan_ip() -> str:
    """The address other machines on the LAN reach this one at (the source of the default route)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent for a UDP connect
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def ensure_ca(folder: Path) -> tuple[Path, Path]:
    """The venue CA's certificate and key in `folder`, made on first use."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "ca.crt", folder / "ca.key"
    if cert.exists() and key.exists():
        return cert, key
    constraints = ",".join([f"permitted;IP:{net}" for net in PRIVATE_NETWORKS]
                           + [f"permitted;DNS:{name}" for name in PRIVATE_NAMES])
    old_umask = os.umask(0o077)
    try:
        _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                 "-keyout", str(key), "-out", str(cert), "-days", str(CA_DAYS), "-sha256",
                 "-subj", f"/O=PLM/CN=PLM venue CA {socket.gethostname()[:30]}",
                 "-addext", "basicConstraints=critical,CA:TRUE,pathlen:0",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                 "-addext", f"nameConstraints=critical,{constraints}")
    finally:
        os.umask(old_umask)
    cert.chmod(0o644)
    return cert, key


def _names(hosts: list[str]) -> str:
    parts = []
    for host in hosts:
        try:
            ipaddress.ip_address(host)
            parts.append(f"IP:{host}")
        except ValueError:
            parts.append(f"DNS:{host}")
    return ",".join(parts)


def ensure_server_cert(folder: Path, hosts: list[str]) -> tuple[Path, Path]:
    """A server certificate for `hosts` (IP addresses or names) signed by the venue CA; made again
    when the hosts change (another LAN address) or it has less than 30 days left."""
    ca_cert, ca_key = ensure_ca(folder)
    cert, key, names_file = folder / "server.crt", folder / "server.key", folder / "server.names"
    names = _names(hosts)
    if cert.exists() and key.exists() and names_file.exists() and names_file.read_text() == names:
        try:
            _openssl("x509", "-in", str(cert), "-noout", "-checkend", str(30 * 86400))
            return cert, key
        except subprocess.CalledProcessError:
            pass
    old_umask = os.umask(0o077)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            csr, ext = Path(tmp) / "server.csr", Path(tmp) / "server.ext"
            _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", str(key), "-out", str(csr), "-subj", "/O=PLM venue")  # names only in the SAN
            ext.write_text(f"subjectAltName={names}\nbasicConstraints=critical,CA:FALSE\n"
                           "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n")
            _openssl("x509", "-req", "-in", str(csr), "-CA", str(ca_cert), "-CAkey", str(ca_key),
                     "-CAcreateserial",
                     "-out", str(cert), "-days", str(SERVER_DAYS), "-sha256", "-extfile", str(ext))
    finally:
        os.umask(old_umask)
    cert.chmod(0o644)
    names_file.write_text(names)
    return cert, key


def fingerprint(cert: Path) -> str:
    """SHA-256 of the certificate, AA:BB:..., as Android shows it after installing."""
    der = _openssl("x509", "-in", str(cert), "-outform", "DER")
    return ":".join(f"{byte:02X}" for byte in hashlib.sha256(der).digest())


def spki_hash(cert: Path) -> str:
    """base64 SHA-256 of the certificate's public key (Chromium's --ignore-certificate-errors-spki-list)."""
    public = _openssl("x509", "-in", str(cert), "-noout", "-pubkey")
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=public, check=True,
                         capture_output=True).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def caddyfile(*, cert: Path, key: Path, upstream: str, bind: str, https_port: int, http_port: int,
              public_url: str, data_dir: Path) -> str:
    """Caddy in front of gunicorn. Caddy gives no thread to a half-sent request (a goroutine waits
    for it) and `buffer_requests` reads a whole body before gunicorn sees it, so slow phones on bad
    Wi-Fi (or a deliberate slowloris) cannot take gunicorn's few threads from the door.

    The plain-HTTP port serves only /door-setup (a phone that does not trust the CA yet must be able
    to fetch it) and sends everything else to HTTPS."""
    return f"""# Made by scripts/venue (plm/venue/tls.py); changes are overwritten on the next run.
{{
	admin off
	auto_https off
	storage file_system {data_dir}
	servers {{
		timeouts {{
			read_header 10s
			read_body 60s
			idle 2m
		}}
	}}
}}

https://:{https_port} {{
	bind {bind}
	tls {cert} {key}
	request_body {{
		max_size 10MB
	}}
	reverse_proxy {upstream} {{
		buffer_requests
	}}
}}

http://:{http_port} {{
	bind {bind}
	@setup path /door-setup /door-setup/* /static/*
	handle @setup {{
		reverse_proxy {upstream}
	}}
	handle {{
		redir {public_url}{{uri}}
	}}
}}
"""
