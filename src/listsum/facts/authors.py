"""Who posted the work: an Author (addresses, a b4 relay's decoded too, and the
display name), the poster of a thread whose posting is outside the input
(``ghost_author``), and whether such a thread is a new conversation on an old
series (``revived``). Split from state.py: series.py, lineage.py and the
summary points ask the same question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from listsum.mail.message import Message
from listsum.mail.threads import Thread


# b4's web relay sends as "Maud Spierings via B4 Relay <devnull+maudspierings.gocontroll.com@kernel.org>"
# and the author answers reviews from maudspierings@gocontroll.com (linux-leds, max25014 v2).
_RELAY = re.compile(r"^devnull\+(?P<enc>[^@]+)@kernel\.org$", re.I)
_VIA_RELAY = re.compile(r"\s+via\s+B4 Relay\s*$", re.I)


@dataclass(frozen=True)
class Author:
    """Who posted the work: addresses (a b4 relay's decoded too) and display name."""

    addrs: tuple[str, ...]
    name: str = ""

    @classmethod
    def of(cls, name: str, addr: str) -> Author:
        addr = addr.lower()
        out = [addr] if addr else []
        m = _RELAY.match(addr)
        if m:  # the local part may hold dots too: every split is a candidate
            enc = m.group("enc")
            out += [f"{enc[:i]}@{enc[i + 1:]}" for i, c in enumerate(enc) if c == "." and 0 < i < len(enc) - 1]
        return cls(tuple(out), _VIA_RELAY.sub("", name).strip().lower())

    def wrote(self, msg: Message) -> bool:
        if msg.from_addr.lower() in self.addrs:
            return True
        return bool(self.name) and len(self.name) > 3 and _VIA_RELAY.sub("", msg.from_name).strip().lower() == self.name


# git send-email Message-IDs end in the sender's address: "20210927124911.191729-1-alexandru.elisei@arm.com",
# and before git 2.x "<epoch>-<pid>-<n>-git-send-email-<addr>": Julien Thierry's kvmtool PCI series,
# "1551947777-13044-1-git-send-email-julien.thierry@arm.com" (kvmarm, 2019).
_GSE_ID = re.compile(r"^(?:\d{14}\.\d+-\d+-|\d{9,10}-\d+-\d+-git-send-email-)(?P<addr>[^@\s]+@[^@\s]+)$")


def ghost_author(thread: Thread) -> str:
    """Who posted the work of a thread whose posting is outside the input.

    The root id when git send-email made it and the address shows up in the thread
    (Alexandru's "Re: [PATCH 2/2] KVM: arm64: Use get_raz_reg() ..." opens with his own
    reply to Drew, so "whom the first reply answers" would name Drew); else the first
    reply's To.
    """
    m = _GSE_ID.match(thread.id)
    if m:
        addr = m.group("addr").lower()
        if any(addr == x.from_addr.lower() or addr in x.to or addr in x.cc for x in thread.messages):
            return addr
    first = thread.messages[0]
    return first.to[0].lower() if first.to else ""


# The date git send-email ("20210601005155.27997-1-kabel@kernel.org") or b4
# ("20251027-imx8mp-hb-iiot-v1-0-...") writes at the front of a Message-ID.
_ID_DATE = re.compile(r"^(?P<d>\d{8})(?:\d{6})?[.-]")
# Longer than any review: the thread is a new conversation on an old series.
_REVIVED_AFTER = timedelta(days=180)


def revived(thread: Thread) -> bool:
    """A thread whose posting is outside the input and whose first mail we have came half a
    year or more after it: Lad Prabhakar's 2025 question on Marek Behún's 2021 "[PATCH leds
    v2 00/10] Add support for offloading netdev trigger to HW", Aleksandrs Vinarskis' 2025
    reply to Hans de Goede's 2023 "[PATCH v5 05/11] [RFC] leds: led-class: Add devicetree
    support ..." (linux-leds). Its state is the conversation's, opened by that first mail."""
    m = _ID_DATE.match(thread.id) if thread.ghost_root else None
    if m is None:
        return False
    try:
        born = datetime.strptime(m.group("d"), "%Y%m%d").replace(tzinfo=timezone.utc)
    except ValueError:
        return False
    return thread.messages[0].date - born > _REVIVED_AFTER
