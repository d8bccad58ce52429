"""The stance rules' tables: the regular expressions ``stance.py`` applies.

Data, not logic: each table says in its comment which real mail needs it
(message-id or sender and list: kvmarm 2019-2021, linux-leds 2025-2026), so a
rule can be checked against the mail it was written for. ``stance.py`` holds
the order in which they are tried and what each match means.
"""

from __future__ import annotations

import re

# --- Own sentences ---------------------------------------------------------

# "Am Montag, 13. Januar 2025, 01:23:37 ... schrieb Marek Vasut:" (Heiko
# Stübner, linux-leds) and "Am 05.08.25 um 09:50 schrieb Ilpo Järvinen:"
# (Armin Wolf) end in the quoted person's name, so compress keeps them.
ATTRIBUTION = re.compile(r"\b(wrote|writes|schrieb|a écrit|escribió)\b[^.!?]{0,80}:\s*$"
                          r"|^On .{5,120}(wrote|writes)\s*:?\s*$", re.I)


SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'`])")


# Courtesy that carries no point: "Hi Lukas,", "Thanks for the review.",
# "Fair enough :)", "I see.", "Cheers, M." (kvmarm), "regards;rl" (linux-leds).
EMPTY = re.compile(
    r"^(hi|hello|hey|dear)\b[^.!?]{0,40}[,!.]?$"
    r"|^(many )?(thanks|thank you|thx|cheers|regards|best regards|kind regards|br|best)\b[^.!?]{0,60}[.!]*$"
    r"|^(i see|ok|okay|sure|right|fair enough|true|indeed|yes|no|hmm+|ah|oh)[.!,:)\s]*(:\)|:-\))?$"
    r"|^(\[\.\.\.\]|\.\.\.|<snip>|\[snip\])$",
    re.I)


# Thanks, then a clause after the first comma, semicolon or colon: stance.py keeps such a
# sentence when the clause has a stance ("Thanks, applied.", "Thanks Lee, that works for me.").
THANKS_THEN = re.compile(r"^(?:many )?(?:thanks|thank you|thx)\b[^,;:.!?]{0,40}[,;:]\s*(\S.*)$", re.I)
CODE = re.compile(r"[;{}]\s*$|^\s*(#include|#define|struct |static |return |if \(|for \(|[+-]\s)|^\s{4,}\S|\)\s*=\s*\d")


# --- Bots ------------------------------------------------------------------

# Which mail a bot wrote is facts/bots.is_bot_mail's to say (one detector for facts and
# points): a person's mail that names Sashiko or the test robot is still a person's.
BOT_VERDICT = re.compile(r"\b(found|noticed|reported|errors?|warnings?|fail\w*|no issues|build|BUG|KASAN)\b", re.I)


# --- What a reply does ---------------------------------------------------

# "Applied to fixes, thanks!", "Queued patches 1-5, thanks." (Marc Zyngier,
# kvmarm), "Applied, thanks!" (Lee Jones b4 ty, linux-leds), "Applied to\n
# <git url> for-next" (Mark Brown); not "merged the fields from that struct"
# (Maud Spierings) nor "that won't apply" (Mark Pearson): the verb opens the
# sentence or follows "I've"/"I have"/"Thanks,".
DECISION = re.compile(
    r"^(thanks[,!.]?\s+)?(i'?ve\s+|i have\s+|i\s+|now\s+)?(applied|queued|pushed|picked up|merged|pulled|taken)\b"
    r"|^(nak|nacked)\b|^NACK\b|\b(i'?ll|i will|i'm going to)\s+(take|pick up|queue|apply)\b"
    r"|\bwon'?t (be )?(apply|applying|take|taking|merge|merging) (this|it|these|the series)\b"
    # Later in the sentence, with a maintainer's verb: "That worked, now queued up, thanks!",
    # "Both backports now queued up, thanks." (Greg KH), "I've now pulled this into
    # kvmarm/next." (Marc Zyngier), "..., they were very nice and I've queued them." (Paolo
    # Bonzini, kvmarm 2021-03); "Unapplied, thanks." (Lee Jones), "Both patches now dropped
    # from my queue" (Greg KH). Not "applied": "I've applied this series and tested it" is
    # a tester's; nor "Readers could get queued up behind a writer" (Sean Christopherson).
    r"|\b(i'?ve|i have)\s+(now\s+|just\s+)?(queued|pulled)\b|\bnow (queued|pulled|picked up)\b"
    r"|^unapplied\b|\bdropped from (my|the) (queue|tree)\b"
    # "Thank you for your contribution, it has been applied to my local review-ilpo-next
    # branch." (Ilpo Järvinen's b4 ty, linux-leds 2025-11), "1-3 have been applied to the
    # LED tree already." (Lee Jones, 2025-10); not "a commit that has been merged in 6.4".
    r"|\b(it|this|they|these|all|patch(es)? [\d, -]+|[\d]+(-\d+)?) (has|have) (now )?been (applied|queued|picked up)\b",
    re.I)


# "I'll re-spin shortly." (Quentin Perret), "Will fix." (kvmarm), "I will
# send a v7 end of this week." (Richard Leitner), "Good catch, will fix."
# (Armin Wolf), "I will update the commit message accordingly in v4.",
# "If there are any other major changes in the series, I'll try to change
# this as well." (Raghavendra Rao Ananta, kvmarm). Not a third person's
# "... if there's a chance somebody will add a GUEST_ASSERT later" (Andrew
# Jones reviewing): a bare "will" counts only after no word ("Will fix.",
# "Good catch, will fix.").
# "I plan to respin next week and study all the issues you reported up to now." (Eric Auger, author
# of SMMUv3 nested stage v13, kvmarm 2021-01, dd79d11a): a plan is a promise too.
# "we'll" needs its apostrophe: "we'?ll" read "Well spotted! ;-)" (Marc Zyngier, author of the
# vgic ITS cache, kvmarm 2019-06) and "Well defined path into nowhere." (Svyatoslav Ryhel,
# lm3533, linux-leds 2025-03) as promises. A bare "will" opens the sentence or follows a
# comma ("Good catch, will fix."), never a subject: "In this patch,
# kvm_pmu_create_perf_event() will not recalculate the sample period." (Xiang Zheng, kvmarm
# 2019-06) states a fact; nor "will not": a refusal is no promise.
_BARE_WILL = r"(?:^|(?<=[,;:!] ))will(?!\s+not\b)"
_PROMISER = (r"(\b(i'?ll|i will|we['\u2019]ll|we will|i'm going to|i am going to|i can"
             r"|(i|we) (plan|intend|am planning|'m planning) to)|" + _BARE_WILL + r")\s+(try to\s+)?")
RESPIN = re.compile(
    _PROMISER + r"(re-?spin|re-?send|re-?post|re-?base|send (out )?(a |an )?"
    r"(new|updated|v\d+|next)|post (a |an )?(new|v\d+)|fix|update|change|address|drop|rework|add|remove|split|"
    r"do(?! (the |some |a |more )?(test|testing|review)\b)|include|reword|rename|move|squash|put|replace|adopt|"
    r"incorporate)\b"
    r"|^(will|i'?ll) just send\b|^ack,? (fixing|using|on|will)\b"
    r"|^will (do|fix)\b|\bfixed (in|for) v\d+\b|^(done|fixed|removed|dropped)\b",
    re.I)


# The part of RESPIN that promises a new revision: only an author posts one, so whoever
# promises it is one listsum did not recognise: "I'll respin these patches accordingly."
# (Mark Rutland, kvmarm 2020-02). Promises of a change by anyone else are not will-respin:
# "I'll fix it locally, though the SHA1 will change..." (Marc Zyngier applying), "I can do
# that while applying the patches if you're fine with that." (Sakari Ailus, linux-leds
# 2026-03), "Done, and sorry for the delay." (Marc Zyngier, kvmarm 2021-03).
REVISION = re.compile(_PROMISER + r"(re-?spin|re-?send|re-?post|send (out )?(a |an )?(new|updated|v\d+|next)"
                      r"|post (a |an )?(new|v\d+))\b|\bfixed (in|for) v\d+\b", re.I)
# Only from the author: "I will update the commit message accordingly in
# v4." is a promise, but a reviewer's "This new digits layout introduced in
# v3 implies ..." (Per Palvencia, linux-leds) is not. "All functions in
# `MultiColorSubLed` will be const in the next patch iteration." (Markus Probst, linux-leds 2025-11).
NEXT_VERSION = re.compile(r"\b(in|for) (the )?(next|new) (patch )?(version|revision|spin|iteration|submission"
                           r"|series)\b|\b(in|for) v\d+\b", re.I)


# "gentle ping", "just a friendly ping on this series" (Richard Leitner,
# linux-leds), "Any comments on this series?".
# Not "Thanks for the update (and for the ping!)." (Sakari Ailus answering one).
PING = re.compile(r"^\W*(just )?(a )?((gentle|friendly|kind) )?ping\b|\b(gentle|friendly|kind) ping\b"
                   r"|^any (comments|feedback|update|news)\b|^gentle reminder\b"
                   # "Sorry to bother again, I am really hoping a response for this series. :-)" (Shenming
                   # Lu), "Is there any feedback on these patches?" (kvmarm 2021)
                   r"|^sorry to bother\b.{0,40}\bhoping\b|^is there any (feedback|update|news|progress)\b", re.I)


# A whole-approach objection: "I don't think this is the right approach",
# "Isn't there another way to do his that doesn't entail sprinkling #ifery"
# (Lee Jones, linux-leds), "That's illegal." (Marc Zyngier, kvmarm). Not
# "Please don't do assignments in variable declaration ..." (Sakari Ailus,
# linux-leds): that asks for one change, as "Please do not use ..." does.
OBJECTION = re.compile(
    # Not a fact told: "I don't think we do, but I'm sure we will at some point." (Mark Pearson).
    # Nor about oneself or what cannot be: "Interesting, I don't think I've seen __cold used in
    # arch/arm64 before." (Will Deacon), "I'd rather we ignore that memory altogether, but I
    # don't think we can." (Marc Zyngier), "While it is slightly more expensive, I don't think
    # it matters." (Thomas Weißschuh, linux-leds), "I'm not convinced I've fully understood
    # what is going on yet, but it seems to me that the idea is sound." (Alexandru Elisei).
    r"\b(i (really )?don'?t (think(?! (we|they) (do|does|did|have|are)\b)(?! (i|we can|it matters|that matters)\b)"
    # ... nor reassurance: "As for your concern, I don't think it is a problem to return
    # different values if the HW has changed in between." (Marc Zyngier, kvmarm 2021-01).
    r"(?! (it|this|that)('s| is| would be) (a |an )?(real |big )?(problem|issue|concern)\b)"
    r"|like|see why|agree)|"
    r"i'?m not (convinced(?! (i|i'?ve|i have)\b)|sure (this|that|it) is)|i disagree|"
    r"not the right (approach|way|place|thing)|this is (wrong|broken|not ok|not acceptable)|that'?s (wrong|illegal)|"
    r"doesn'?t (work|make sense)|isn'?t there (another|a better)|i object|"
    r"not acceptable|strongly prefer|"
    # The whole change: "I think the premise is wrong." "This seems like a frivolous change."
    # "This looks like it's creating a larger problem than it's fixing" (Alex Williamson,
    # kvmarm 2021-01), "I don't see the point of this." (Steven Price, kvmarm 2020).
    r"premise (is|seems) (wrong|flawed|broken)|(a |an )?(frivolous|pointless|needless|gratuitous) (change|churn)|"
    r"(larger|bigger) problem than|don'?t see the point (of|in)|(neither|not) (necessary|needed) (nor|or) correct|"
    # "To be honest this looks really ugly and it's not at all obvious what is going on."
    # (Thomas Weißschuh, linux-leds), "Copying whole structures ... feels... wrong." (Marc Zyngier)
    # Not Marc Zyngier's own alternative: "The locking is pretty ugly in this case, and I don't
    # want to reparse the whole AP list." (explaining to Shenming Lu, kvmarm 2021-03).
    r"(this|that|it) (looks|is|feels) (really |quite |pretty |a bit )?(ugly|horrible|gross)|feels\W+wrong)\b",
    re.I)


# A verdict on the whole work wins wherever it sits, over the requests and questions before
# it: "If it's that: Nack." (Uwe Kleine-König, after asking what the RFC intends, linux-leds
# 2025-03), "As it is, this patch is unacceptable." (Marc Zyngier, sixth sentence of his MPIDR
# review, kvmarm 2020-09), "it is not okay to say \"kernel interface is specified by ...\""
# (Pavel Machek, linux-leds 2025-10). A NAK that opens a mail is DECISION's.
VERDICT_AGAINST = re.compile(r"\b(unacceptable|(is|'s) not (ok|okay|acceptable)|no-go)\b|(^|[:;,] )nac?k\W*$", re.I)


# A concrete request: "Please use a define." (Ilpo Järvinen, linux-leds),
# "This is redundant. Remove." (Daniel Thompson), "that deserves a comment"
# (Marc Zyngier), "nit: ..." and "could also remove the superfluous ()"
# (Andrew Jones, kvmarm), "Okay, if you still think regmap doesn't fit this
# case, please provide a summary in the cover letter" (Andy Shevchenko).
CHANGES = re.compile(
    r"^(please|pls)\b|\bplease (use|add|remove|drop|fix|change|split|rework|rename|move|update|make|do|keep|"
    r"document|explain|send|rebase|respin|squash|check|address|consider|provide|describe|summari[sz]e|mention|"
    r"clarify)\b|^(nit|nitpick|minor|typo)\b\s*:?"
    # "so they do not need to carry around so much legacy" (Linus Walleij) is no request.
    # "The need to have precise (ns, cycle) pairings is exactly because ..." (Paolo Bonzini explaining) is a noun.
    r"|(?<!not )(?<!n't )(?<!the )\b(should|needs? to|must|has to|deserves)\b (be |also |rather |probably |really )?\w+"
    r"|^(remove|drop|use|add|rename|move|split|fix)\b|\b(could|can) (also |you )?(remove|drop|use|add|rename|move|"
    r"split|fix)\b|\bmissing\b|\bI'?d (prefer|rather|suggest)\b|\bI (would|'d) (have )?preferred\b|\bI suggest\b|"
    r"\b(is|are) (redundant|unnecessary|not needed|wrong)\b"
    # A concern about one thing: "This pfn_valid() check may be problematic." (Catalin
    # Marinas, kvmarm), "that's wrong; see below" (David Hildenbrand).
    r"|\b(may|might|could) be (problematic|racy|wrong|broken)\b|\b(looks|seems) (wrong|broken|racy|bogus)\b"
    # Asked as a request without a question mark: "Can you replace both of these lines with:"
    # (Will Deacon, kvmarm), "Can you rephrase this so the problem and solution are more
    # clearly expressed." (Daniel Thompson, linux-leds).
    r"|^(can|could|would) you (please )?(\w+ )?(replace|rephrase|reword|add|drop|remove|use|split|rename|move|"
    r"update|change|fix|document|explain|describe|send|rebase|respin|squash|make|keep)\b"
    # An imperative opening the sentence: "Follow ordering of nodes explained in DTS coding
    # style." (Krzysztof Kozlowski), "So use compatibility and fallbacks" (Krzysztof
    # Kozlowski, linux-leds), "Just post the revised patch, and we'll take it from there."
    # (Marc Zyngier, kvmarm), "If the code is confusing, refine the description." (Krzysztof
    # Kozlowski, linux-leds 2025-08).
    r"|^((so|just|then|also|instead),? )?(follow|keep|avoid|make sure|replace|rephrase|reword|refine|document|"
    r"describe|explain|mention|squash|rebase|resend|post|wrap|align|sort|switch|convert|change|rename)\b"
    r"|^if [^,]{3,80}, (please )?(just )?(use|add|drop|remove|refine|rename|move|split|fix|document|describe|"
    r"explain|keep|make|change|update|send|post)\b"
    # "This would definitely need updating the comment for MEMBLOCK_NOMAP" (Anshuman
    # Khandual), "I would recommend to try and rebase this patch on kvmarm/next" (Quentin
    # Perret, kvmarm), "It would be good to add this description to the entry" (Jacek
    # Anaszewski, linux-leds), "I expect to address ... these previous discussions"
    # (Krzysztof Kozlowski, linux-leds).
    r"|\b(would|will) (definitely |probably |also )?need (updating|fixing|changing|rework|a |an |to be)"
    r"|\bneeds (updating|fixing|changing|rework)\b|\bI (would |'d )?recommend\b"
    r"|\bit would be (good|better|nice|great|preferable) (to|if)\b|\bI (would |'d )?expect (you )?to\b",
    re.I)


# "Looks good to me", "LGTM", "I like this, it cleans up things" (Linus
# Walleij), "your proposal ... looks sensible to me" (Mark Pearson),
# "I tend to agree with you." (Andrew Lunn), "this looks correct" (Eric Auger).
AGREE = re.compile(
    r"\b(looks? (good|fine|sane|sensible|correct|reasonable|great|ok)|lgtm|makes sense|sounds (good|fine|sensible|"
    r"reasonable)|(i )?(tend to )?agree\b|i like (this|it|the)|(good|great|nice) (idea|catch|suggestion|point)|"
    r"fair point|no objection|"
    r"seems (fine|reasonable|sensible|good|correct)|works for me|that'?s fine|(ok|okay|fine) (for|by|with) me)\b"
    # A concession is no agreement: "I agree that the transition can only go in one
    # direction, but it's still conditional ..." (Alex Williamson, kvmarm 2021-01), "I mostly
    # agree, but my understanding is ..." (Mike Rapoport), "This largely looks good to me,
    # but I don't understand these bits:" (Will Deacon, kvmarm 2020).
    r"(?![^.?!]{0,100}\bbut\b)"
    # "Ok, was just trying to visualize how this would work" (Marcelo Tosatti):
    # an opening "Ok," concedes the point.
    r"|^(ok|okay)\b[,.!]?\s+\w",
    re.I)


# A reply that opens by conceding the point it answers agrees, whatever it explains after:
# "Yes that's correct." (Andrew Murray, author, to Suzuki Poulose's request, kvmarm 2019-06),
# "Indeed, this doesn't look quite right." (Marc Zyngier to Robin Murphy, kvmarm 2020-02),
# "You're right - I managed to confuse myself." (Punit Agrawal, kvmarm 2019-06), "Yea this does
# look very odd.." (Jacob Keller), "That's correct Alex and I agree with you." (Kirti
# Wankhede, kvmarm 2021-01). Not "Yes, for consistency ..." (an answer's reason).
CONCEDES = re.compile(r"^(you'?re|you are) (absolutely |quite |totally )?(right|correct)\b"
                      r"|^(yes|yeah|yea|yep|indeed)\b[,.!]?\s*(that'?s|this|it)\b[^.?!]{0,30}?"
                      r"\b(correct|right|true|wrong|odd|looks?)\b"
                      r"|^that'?s (correct|right|true)\b", re.I)


# "_vcpu_run doesn't return until success, so I don't think this assert is
# necessary." (Andrew Jones, kvmarm), "There's no need to ..." : asks to drop
# one thing, not to reject the work.
# "I'm not convinced these comments are necessary." (Daniel Thompson, linux-leds).
UNNEEDED = re.compile(r"\b(don'?t think|not convinced) .{0,60}\b(is|are) (really )?(necessary|needed|required|"
                       r"useful)\b"
                       r"|\b(there'?s |there is )?no need (to|for)\b"
                       # Doubting a need or a worth asks to drop one thing: "I don't think we need this
                       # symbol." (Will Deacon, kvmarm 2020-09), "I don't think it is worth adding all this
                       # additionnals walks of p4d" (Christophe Leroy, kvmarm 2020-02), "I don't think other
                       # abstractions have needed that." (Alice Ryhl, linux-leds 2025-10).
                       r"|\bdon'?t think\b[^.?!]{0,40}\b(need|needs|needed|worth)\b"
                       # Asked, meant as "drop it": "Why do you need label?" (Krzysztof Kozlowski),
                       # "Is the interrupt useful for anything?" (Daniel Thompson, linux-leds), "Do we
                       # really need to go through this is_aarch32_allowed check?", "Why is this one
                       # needed?", "Spurious change?" (kvmarm): the gold sets call them requests.
                       r"|^(but |so |and )?(why|do|does) (do |does )?(we|you|this|it|they) "
                       r"(really |even |still )?need\b.*\?\W*$"
                       r"|^(but |so |and )?why (is|are) (this|that|these|those|it)( one)? (really |even )?"
                       r"(needed|necessary|required)\b"
                       r"|^(is|are) (the|this|that|these) [^?]{0,40}(really )?(useful|needed|necessary|required)"
                       r"( for anything)?\W*\?\W*$|^spurious (change|hunk|newline)\?", re.I)


# "nit: this comment only applies to the protected mode, right?" (Marc
# Zyngier): a nit asks for the change whatever its tag.
NIT = re.compile(r"^(nit|nitpick|minor|typo)\b", re.I)


# "So all we need to do is check 'entry_addr < max_ipa', right?" (Andrew
# Jones, kvmarm): a "need to" asked for confirmation is a question.
TAG_QUESTION = re.compile(r",\s*(right|correct|no|isn'?t it|don'?t we|yes)\s*\?\s*\S{0,3}$", re.I)


QUESTION = re.compile(r"\?\s*(\S{0,3})$")


TRAILER_STANCE = {"Reviewed-by": "review", "Acked-by": "ack", "Tested-by": "test", "NAK": "decision"}


# "If you prefer, I can reorder all ... Please let me know your preference." (LI Qingwu, linux-leds)
LET_ME_KNOW = re.compile(r"\blet me know\b|\bwhat do you (think|prefer)\b", re.I)


# Asking without a question mark: "I'm not sure how to proceed without
# JTAG." (Lukas Jünger, kvmarm), "Any hints appreciated".
# "Maybe Marc can shed some light on this." "(please point me to the definition if you find
# it in the architecture!)" (Alexandru Elisei, kvmarm 2021-01).
ASKS_HELP = re.compile(r"\b(i'?m|i am) not sure (how|what|where|why|whether) (to|i|we)\b"
                        r"|\bshed (some )?light\b|\bplease point me\b"
                        r"|^any (ideas?|hints?|pointers?|suggestions?|advice)\b|\b(hints?|pointers?|advice|ideas?) "
                        r"(would be|are|is) (very |much |greatly )?(welcome|appreciated)\b", re.I)


# A reply that opens by answering what it quotes: "It already does, that's
# the cool part." (Paolo Bonzini to Marcelo Tosatti, kvmarm), "Yes, for
# consistency ..." , "No, ...", "Correct.", "That's because ...".
ANSWERS = re.compile(r"^(yes|yep|yeah|no|nope|correct|exactly|right|indeed|because)\b[,.!:;]?\s"
                      r"|^(it|this|that|they|we|you) (already |still |just )?(does|do|is|are|did|doesn'?t|don'?t|"
                      r"isn'?t|aren'?t|can|can'?t|will|won'?t|works?)\b[,.!]"
                      r"|^that'?s (because|why|correct|right|the (point|idea|intent))\b", re.I)


# Asked as a question, meant as a request: "How about ...?", "Can we *please*
# try to get rid of this #define insanity ...?" (Marc Zyngier), "Why not
# just ...?", "Wouldn't it be better ...?".
# Further in: "If this was the Cycle counter and the PMCR_LC was set, shouldn't we be using 64bit
# mask here ?" (Suzuki Poulose, kvmarm 2019-06), "Is it not possible to use Device<T> with a
# `handler: T` field here?" (Alice Ryhl), "You can just make the length of the slice be the
# desired length?" (Benno Lossin, linux-leds 2025-10).
SUGGEST = re.compile(r"^(how about|what about|why not|wouldn'?t it be (better|simpler|nicer)|can we|could we|"
                      r"could you|can you|would you mind|shouldn'?t (we|this|it)|maybe)\b|\*?\bplease\b\*?"
                      r"|\bshouldn'?t (we|this|it|you|that)\b|\bis it not possible to\b|^(you|we) (can|could) just\b",
                      re.I)


# Not a note to self: "I'll make a note about this, since I've parked the
# pvmfw patches", nor a third person's "as the keys will no longer be
# available" (Will Deacon answering Quentin Perret, kvmarm).
# The author taking a comment: "Will drop it." (Fuad Tabba), "Agreed, I'll
# replace get_raz_id_reg() with get_raz_reg()." (Alexandru Elisei), "ACK,
# fixing that." (Ricardo Koller), "Removed all the U's" (Maud Spierings).
# Not a promise to look, test or wait, with or without a word before the verb: "I need to setup
# the DPDK environment again and I will test on my end." (Eric Auger, dd79d11a), "I will wait
# for your series to be applied." (Kaustabh Chakraborty, linux-leds 2025-11), "... and I will do
# the test for it." (Jianyong Wu, kvmarm 2021-01). Not an answer's
# "Yes, according to doc, this is not an issue" (Keqian Zhu, kvmarm 2021-01-18, a184c21f): after
# "Yes," only a change verb ("ACK, fixing that.") takes the comment.
AUTHOR_TAKES = re.compile(r"(\b(i'?ll|i will|we['\u2019]ll|we will)(?!\s+not\b)|" + _BARE_WILL + r")\s+"
                           r"(?!make a note|keep (this|that|it) in mind|bear|consider|remember)"
                           r"(?!(\w+\s+)?((the|some|a|more)\s+)?(check|look|think|try to understand|see\b|test|"
                           r"verify|reproduce|"
                           r"investigate|wait|need|let\b|be\b|get back|reply|answer|review|read)\b)"
                           r"(\w+\s+)?[a-z]+|^(ack|acked|agreed|sure|ok|okay|yes)\b[,.!]?\s*(will|i'?ll|fix|done|"
                           r"(fix|chang|updat|remov|dropp|add|us|do|renam|mov|address|rework|tak|squash|split)ing\b)"
                           r"|^(done|fixed|removed|dropped|changed|updated|renamed)\b|\bin (v\d+|the next "
                           # "..., merged the fields from that struct into the main max25014 struct." (Maud
                           # Spierings answering a review): the change is made.
                           r"(version|revision|iteration|spin))\b|(?<!be )(?<!been )(?<!was )(?<!is )(?<!were )"
                           r"(?<!are )\b(removed|merged|dropped|fixed|renamed|reworked|inlined|replaced|folded)\b"
                           r"(?! in v\d)|\bin (v\d+|the next "
                           r"(version|revision|iteration|spin))\b", re.I)


WONDER = re.compile(r"^(i )?(also )?(wonder|am wondering|'m wondering)\b|\bi (also )?wonder (if|whether)\b", re.I)
