"""What one reply does (its stance) and the sentence that says it: rules only.

Pure functions over a reply's own text (quotes, diffs, signatures already
dropped by ``compress``). ``own_sentences`` splits what the sender wrote
into sentences, dropping greetings, thanks, "I see." and sign-offs;
``judge`` picks one stance of ``model.STANCES`` and the index of the
sentence it rests on, and says whether the rules are sure. When they are
not, a model may choose instead (choose.py); it never writes.

The tables (regular expressions, each naming the real mail that needs it)
are in stance_rules.py; this module is the order they are tried in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from listsum.summarise.stance_rules import (AGREE, ANSWERS, ASKS_HELP, ATTRIBUTION, AUTHOR_TAKES,
                                               BOT_VERDICT, CHANGES, CODE, DECISION, EMPTY, LET_ME_KNOW,
                                               NEXT_VERSION, NIT, OBJECTION, PING, QUESTION, RESPIN, REVISION,
                                               SENT_SPLIT, SUGGEST, TAG_QUESTION, THANKS_THEN, TRAILER_STANCE, UNNEEDED,
                                               VERDICT_AGAINST, CONCEDES,
                                               WONDER)

# --- Own sentences ---------------------------------------------------------


def own_sentences(text: str, sender: str = "") -> list[str]:
    """The sentences the sender wrote, in order, without quoted lines,
    attribution lines, code, or courtesy."""
    return [s for s, _ in own_paragraphs(text, sender)]


def own_paragraphs(text: str, sender: str = "") -> list[tuple[str, int]]:
    """``own_sentences`` with the paragraph each sentence is in: a quote or
    code between two sentences separates them (never joined into one point)."""
    paragraphs: list[list[str]] = [[]]
    for line in text.splitlines():
        s = line.strip()
        if not s:
            paragraphs.append([])
            continue
        if s.startswith(">") or ATTRIBUTION.search(s) or CODE.search(line) or s.startswith("["):
            paragraphs.append([])
            continue
        paragraphs[-1].append(s)
    out: list[tuple[str, int]] = []
    first = sender.split()[0].lower() if sender.split() else ""
    for k, para in enumerate(paragraphs):
        for sent in SENT_SPLIT.split(" ".join(para)):
            sent = sent.strip()
            words = re.findall(r"[A-Za-z\u00c0-\u024f\u4e00-\u9fff]{2,}", sent)
            if len(words) < 2 and not re.search(r"\bping\b|\bNAK\b", sent, re.I):
                continue
            if (EMPTY.match(sent) and not _says_more(sent)) or (first and sent.lower().strip(".,- ") == first):
                continue
            out.append((sent[:400], k))
    return out


def _says_more(sentence: str) -> bool:
    """Thanks followed by a clause that has a stance is no courtesy: "Thanks, applied.",
    "Thanks Marc, it's OK for me and I will do the test for it." (Jianyong Wu, the
    author, kvmarm 2021-01), "Thanks, will fix."; "Thanks for the review." is."""
    m = THANKS_THEN.match(sentence)
    return m is not None and any(r.search(m.group(1)) for r in (DECISION, AGREE, RESPIN, CHANGES, OBJECTION,
                                                                 QUESTION))


# --- Stance rules ----------------------------------------------------------

@dataclass(frozen=True)
class Judged:
    stance: str  # one of model.STANCES
    index: int | None  # the sentence it rests on; None when a trailer (a fact) carries it
    sure: bool  # False: a model may choose the stance and the sentence instead


def _first(rule: re.Pattern[str], sentences: list[str]) -> int | None:
    return next((i for i, s in enumerate(sentences) if rule.search(s)), None)


def judge(sentences: list[str], trailers: list[str], *, bot: bool = False, replies_to_question: bool = False,
          by_author: bool = False, parent_asks: bool = False, author_asks: bool = False,
          reviews_patch: bool = False) -> Judged:
    """The stance of one reply. ``trailers``: the kinds it gives (Reviewed-by,
    Acked-by, ...); ``replies_to_question``: its parent's stance is a question,
    a change request or an objection (or it opened a question thread);
    ``parent_asks``: its parent, by someone else, asks something whatever its
    stance (``asks_something``); ``author_asks``: that parent is the author's and
    the sender is not the author; ``by_author``: the sender posted the work itself;
    ``reviews_patch``: someone else's reply to a patch posting itself."""
    j = _judge(sentences, trailers, bot, replies_to_question, by_author)
    # The author asked the reviewer something and the reply opens with a statement, not a
    # request, objection or question: the reply answers, whatever it asks further down.
    # "I'll let you look around and decide for yourself. If this is not optional, you should
    # check this call for errors." (Lee Jones to Markus Probst's question on the label,
    # linux-leds 2025-11), "It depends on the case, e.g. if the LED maintainers prefer ..."
    # (Miguel Ojeda), "I don't know." (Andrew Jones, kvmarm 2020), "We can always trap."
    # (Marc Zyngier). Not Krzysztof Kozlowski's "Whatever change you want to do here, I
    # expect to address ... these previous discussions.": a request opens it.
    if author_asks and j.stance in ("changes-requested", "question", "other") and j.index and sentences \
            and not _opens_with_stance(sentences[0]):
        return Judged("answer", _first_statement(sentences), False)
    # A reply to a mail that asked something, opening with a direct answer ("Yes, ...", "No,
    # ..."), answers it whatever it asks for further down: "Yes, I think we do. ..." (Jean-Philippe
    # Brucker to Jacob Pan, SMMUv3 nested, kvmarm 2019-06), "Yeah, as Andrea said you could drop
    # the reference in the invalidate callback too." (Paolo Bonzini, kvmarm 2019-06).
    if parent_asks and j.stance in ("changes-requested", "question", "other") and sentences \
            and ANSWERS.match(sentences[0]):
        return Judged("answer", 0, False)
    # A reply the rules read no stance in, to a mail that asked something, answers it:
    # "If you don't mind, that'd make my life easier." (Marc Zyngier, to Will Deacon's
    # "Looks fine to me: ... Do you need me to respin my series on top of this?", kvmarm),
    # "I think that what we are lacking to move forward is Pavel's response to Marek's
    # question" (Jacek Anaszewski, to the author's "Is that correct?", linux-leds).
    if parent_asks and j.stance == "other" and j.index is not None:
        return Judged("answer", j.index, False)
    # Conceding in the opening sentence agrees with the mail answered (CONCEDES).
    if j.stance in ("answer", "other") and sentences and CONCEDES.search(sentences[0]):
        return Judged("agreement", 0, False)
    # A reviewer's comment on the patch itself, in no words the tables know, points at
    # something to change: "\"gurantee\" -> \"guarantee\"" (Onur Özkan on the Rust LED
    # classdev, linux-leds 2025-10), "Still incorrect order." (Krzysztof Kozlowski, LTC3208
    # v3, linux-leds 2026-04), "This condition will only test for v8.1-required events if
    # the PMU is exactly 8.1, so you lose coverage ..." (Peter Maydell, PMUv3 tests,
    # <CAFEAcA9Yc9dKTCcP3fP93tQU62Q=2FYOoYGvUqfiOMY=pYV_RA@mail.gmail.com>, kvmarm 2020-02).
    if reviews_patch and j.stance == "other" and j.index is not None:
        return Judged("changes-requested", j.index, False)
    return j


def _opens_with_stance(sentence: str) -> bool:
    return any(r.search(sentence) for r in (CHANGES, OBJECTION, QUESTION, UNNEEDED, DECISION, RESPIN))


def asks_something(sentences: list[str]) -> bool:
    """Whether a mail asks anything, a question or "please let me know"."""
    return any(QUESTION.search(s) or LET_ME_KNOW.search(s) for s in sentences)


def _judge(sentences: list[str], trailers: list[str], bot: bool, replies_to_question: bool,
           by_author: bool) -> Judged:
    if bot:
        i = _first(BOT_VERDICT, sentences)
        return Judged("bot", i if i is not None else (0 if sentences else None), True)
    i = _first(DECISION, sentences)
    if i is not None or "NAK" in trailers:
        return Judged("decision", i, True)
    for kind in ("Reviewed-by", "Acked-by", "Tested-by"):
        if kind in trailers:
            return Judged(TRAILER_STANCE[kind], None, True)
    i = _first(PING, sentences)
    if i is not None and len(sentences) <= 4:
        return Judged("ping", i, True)
    if by_author:
        return _author(sentences, replies_to_question)
    # A promise of a new revision makes its sender an author listsum did not recognise; a
    # promise of anything else by a reviewer or maintainer is not will-respin (REVISION).
    i = _first(REVISION, sentences)
    if i is not None:
        return Judged("will-respin", i, False)
    # "Will: I don't think things have changed in that respect, right?" (Marc Zyngier) checks, objects to nothing.
    obj = next((i for i, s in enumerate(sentences)
                if OBJECTION.search(s) and not UNNEEDED.search(s) and not TAG_QUESTION.search(s)), None)
    verdict = next((i for i, s in enumerate(sentences) if VERDICT_AGAINST.search(s) and not QUESTION.search(s)), None)
    if verdict is not None and (obj is None or verdict < obj):
        obj = verdict
    chg = _first(CHANGES, sentences)
    unneeded = _first(UNNEEDED, sentences)
    if unneeded is not None and (chg is None or unneeded < chg):
        chg = unneeded
    q = _first(QUESTION, sentences)
    if q is not None and SUGGEST.search(sentences[q]) and (chg is None or q < chg):
        chg = q  # "How about only guarding the new tests with this?" (Andrew Jones): a request
    elif q is not None and q == chg and TAG_QUESTION.search(sentences[q]) and not NIT.match(sentences[q]):
        chg = _first(CHANGES, sentences[q + 1:])  # "So all we need to do is check ..., right?" checks, asks nothing
        chg = None if chg is None else chg + q + 1
    # An answer that opens with a request is still the answer: Marc Zyngier to
    # Lukas Jünger's question, "Please consider subscribing to kvmarm ... Put
    # some traces in vgic_v3_enable()". Only an opening objection overrides it.
    if replies_to_question and obj != 0:
        # "Great suggestion, thanks!" (Oliver Upton, to a review): agreeing is the answer.
        if _first(AGREE, sentences[:1]) == 0:
            return Judged("agreement", 0, True)
        return Judged("answer", _first_statement(sentences), False)
    if obj is not None and (chg is None or obj <= chg or obj == verdict):
        return Judged("objection", obj, False)
    if chg is not None:
        return Judged("changes-requested", chg, q is None or chg <= q)
    if q is not None:
        return Judged("question", q, True)
    i = _first(AGREE, sentences)
    if i is not None:
        return Judged("agreement", i, True)
    if sentences and ANSWERS.match(sentences[0]):
        return Judged("answer", 0, False)
    i = _first(ASKS_HELP, sentences)
    if i is not None:
        return Judged("question", i, False)
    return Judged("other", 0 if sentences else None, False)


def _author(sentences: list[str], asked: bool) -> Judged:
    i = _first(RESPIN, sentences)
    if i is None:
        i = _first(NEXT_VERSION, sentences)
    if i is None:
        i = _first(AUTHOR_TAKES, sentences)
    if i is not None:
        return Judged("will-respin", i, True)
    q = _first(QUESTION, sentences)
    # "Great suggestion, thanks!" (Oliver Upton, author, to Andrew Jones's review).
    if asked and _first(AGREE, sentences[:1]) == 0:
        return Judged("agreement", 0, True)
    if asked:
        return Judged("answer", _first_statement(sentences), q is None)
    if q is not None:
        return Judged("question", q, False)
    return Judged("other", 0 if sentences else None, False)


def _first_statement(sentences: list[str]) -> int | None:
    """The first sentence that is not a question (an answer's answer), else 0."""
    if not sentences:
        return None
    return next((i for i, s in enumerate(sentences) if not QUESTION.search(s)), 0)


def second_question(sentences: list[str], j: Judged) -> int | None:
    """A question asked besides the reply's main stance: "I think we should add
    this is related to the hardware strobe. ... I also wonder whether we
    should use 0,1 µs or even ns for the unit." (Sakari Ailus, linux-leds),
    "Will do. ... What do you think?" (an author taking one comment and asking
    about another). Suggestions phrased as questions are not questions."""
    if j.stance not in ("changes-requested", "objection", "will-respin", "answer"):
        return None
    for i, s in enumerate(sentences):
        if i != j.index and (QUESTION.search(s) or WONDER.search(s)) and not SUGGEST.search(s):
            return i
    return None


