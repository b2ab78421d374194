"""Guarded HTTP GET for documents other issuers publish (did:web documents, status lists).

The URL comes from a credential someone uploaded, so it must not reach into our own network
(SSRF): only https, no redirects, every address the host resolves to must be public (not private,
loopback, link-local, multicast or reserved), a time limit and a size cap. Tests that run a fake
university on 127.0.0.1 set RECORDS_ALLOW_PRIVATE_FETCH, which also permits plain http there.
A resolver could answer differently at connect time (DNS rebinding); the socket's peer address is
checked again after connecting to close that gap.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

import certifi
import httpx


class FetchRefused(Exception):
    """The URL is not allowed, or the fetch failed; the message says which (no response body)."""


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


def check_url(url: str, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise FetchRefused("only https URLs are fetched")
    if not parts.hostname or parts.username or parts.password:
        raise FetchRefused("the URL has no usable host")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError:
        raise FetchRefused("the host does not resolve") from None
    if not infos or not all(_public(str(info[4][0])) for info in infos):
        raise FetchRefused("the host resolves to a private or loopback address")


@functools.cache
def _tls() -> ssl.SSLContext:
    # Built once: loading the CA bundle for every fetch cost ~100 ms, most of a did:web resolution.
    return ssl.create_default_context(cafile=certifi.where())


def get(url: str, *, allow_private: bool, timeout: float, max_bytes: int) -> bytes:
    check_url(url, allow_private)
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False, verify=_tls()) as client,
            client.stream("GET", url, headers={"Accept": "application/json, application/jwt, */*"}) as response,
        ):
            peer = response.extensions.get("network_stream")
            address = peer.get_extra_info("server_addr") if peer is not None else None
            if not allow_private and address and not _public(str(address[0])):
                raise FetchRefused("the host connected to a private or loopback address")
            if response.status_code != 200:
                raise FetchRefused(f"HTTP {response.status_code}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchRefused("the document is too large")
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.HTTPError as error:
        raise FetchRefused(type(error).__name__) from None
