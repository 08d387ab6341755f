"""The FCM client's keep-alive transport against a real TLS server on 127.0.0.1 (the way it meets
Google's front ends): connection reuse, chunked bodies, Connection: close, timeouts."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from notifications.http1 import KeepAliveTransport

CHUNKED = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
CHUNKED += b'7\r\n{"name"\r\n8;ext=1\r\n: "m/1"}\r\n0\r\nX-Trailer: t\r\n\r\n'
LENGTH = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{"name": "m2"}'
CLOSE = b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 3\r\nContent-Length: 2\r\n\r\n{}"


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class Server:
    """Answers each request on a connection with the next canned answer; counts connections."""

    def __init__(self, answers: list[bytes]) -> None:
        self.answers = answers
        self.connections = 0
        self.requests: list[bytes] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while self.answers:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length")
                    ),
                    0,
                )
                self.requests.append(head + await reader.readexactly(length))
                answer = self.answers.pop(0)
                if answer == b"hang":
                    await asyncio.sleep(5)
                    return
                writer.write(answer)
                await writer.drain()
                if b"Connection: close" in answer:
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
def tls(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    cert, key = self_signed(tmp_path)
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(cert, key)
    client_side = ssl.create_default_context(cafile=str(cert))
    return server_side, client_side


async def serve(server: Server, context: ssl.SSLContext) -> tuple[asyncio.Server, str]:
    listening = await asyncio.start_server(server.handle, "127.0.0.1", 0, ssl=context)
    port = listening.sockets[0].getsockname()[1]
    return listening, f"https://127.0.0.1:{port}/v1/projects/p/messages:send"


async def test_tls_keep_alive_chunked_and_close(tls: tuple[ssl.SSLContext, ssl.SSLContext]) -> None:
    server = Server([CHUNKED, LENGTH, CLOSE, LENGTH])
    listening, url = await serve(server, tls[0])
    try:
        async with httpx.AsyncClient(transport=KeepAliveTransport(ssl_context=tls[1])) as client:
            first = await client.post(url, json={"message": {"token": "a"}})
            second = await client.post(url, json={"message": {"token": "b"}})
            third = await client.post(url, json={"message": {"token": "c"}})
            assert server.connections == 1  # kept alive across the first three
            fourth = await client.post(url, json={"message": {"token": "d"}})
    finally:
        listening.close()
        await listening.wait_closed()
    assert (first.status_code, first.json()) == (200, {"name": "m/1"})
    assert second.json() == {"name": "m2"}
    assert (third.status_code, third.headers["retry-after"]) == (503, "3")
    assert fourth.json() == {"name": "m2"}
    assert server.connections == 2  # the server closed after the 503
    assert server.requests[0].startswith(b"POST /v1/projects/p/messages:send HTTP/1.1\r\n")
    assert server.requests[0].endswith(b'{"message":{"token":"a"}}')


async def test_an_unanswered_request_times_out_and_its_connection_is_dropped(
    tls: tuple[ssl.SSLContext, ssl.SSLContext],
) -> None:
    server = Server([b"hang", LENGTH])
    listening, url = await serve(server, tls[0])
    try:
        async with httpx.AsyncClient(transport=KeepAliveTransport(ssl_context=tls[1]), timeout=0.5) as client:
            with pytest.raises(httpx.ReadTimeout):
                await client.post(url, json={})
            assert (await client.post(url, json={})).json() == {"name": "m2"}
    finally:
        listening.close()
        await listening.wait_closed()
    assert server.connections == 2


async def test_nobody_listening_is_a_connect_error() -> None:
    async with httpx.AsyncClient(transport=KeepAliveTransport()) as client:
        with pytest.raises(httpx.ConnectError):
            await client.post("http://127.0.0.1:9/", json={})
