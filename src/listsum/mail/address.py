"""Addresses: From, To and Cc header values to names and lower-cased
addresses, and the one way a person is written out."""

from __future__ import annotations

import re
from email.utils import getaddresses

from listsum.mail.headers import decode_words

# "Name <addr>", '"Name" <addr>' or a bare addr: 99% of From lines.
_FROM_SIMPLE = re.compile(r'\s*(?:"([^"\\]*)"|([^"<>,;()\\]*?))\s*<([^<>\s]*)>\s*$')
_BARE_ADDR = re.compile(r"\s*<?([^\s<>\"(),;:]+@[^\s<>\"(),;:]+)>?\s*$")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


def name_addr(name: str, addr: str) -> str:
    """"Name <addr>", or whichever of the two there is: the one place a
    person is written out (reports, participants, digests)."""
    if name and addr and name != addr:
        return f"{name} <{addr}>"
    return addr or name or "(unknown)"


def parse_from(value: str) -> tuple[str, str]:
    """(display name, lower-cased address) of a From header."""
    if not value:
        return "", ""
    m = _FROM_SIMPLE.match(value)
    if m:
        name = m.group(1) if m.group(1) is not None else m.group(2)
        return decode_words(name).strip('"'), m.group(3).lower()
    m = _BARE_ADDR.match(value)
    if m:
        return "", m.group(1).lower()
    pairs = getaddresses([value])
    if not pairs:
        return "", ""
    name, addr = pairs[0]
    return decode_words(name).strip('"'), addr.lower()


def parse_addrs(value: str) -> tuple[str, ...]:
    """Lower-cased addresses of a To/Cc header."""
    if not value:
        return ()
    if '"' in value:
        value = _QUOTED.sub("", value)  # quoted names may hold commas and '<'
    if "(" in value:
        return tuple(a.lower() for _, a in getaddresses([value]) if a)
    out = []
    for part in value.split(","):
        lt = part.find("<")
        addr = part[lt + 1:part.find(">", lt)] if lt >= 0 else part.strip()
        if addr:
            out.append(addr.lower())
    return tuple(out)
