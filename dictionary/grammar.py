"""Grammar words: the closed classes WordNet leaves out or lists only as something else.

WordNet covers nouns, verbs, adjectives and adverbs. Asked for "who" it has only the WHO, for
"i" only iodine, for "the" nothing; a learner is better served by a note that says what kind
of word it is. Modal verbs with a common noun sense of their own ("can", "will") are not
listed. Capitals still reach the abbreviation or name: "WHO", "US", "May".
"""

from __future__ import annotations

import re

GRAMMAR_WORDS = frozenset(
    """
    a an the this that these those some any each every either neither no another such what
    which whose whatever whichever both several enough
    i me my mine myself you your yours yourself yourselves he him his himself she her hers
    herself it its itself we us our ours ourselves they them their theirs themselves oneself
    others
    who whom whoever whomever someone somebody something anyone anybody anything everyone
    everybody everything nobody nothing
    of in on at by for with about against between among amongst into onto upon from to
    toward towards via per than despite unlike except within without throughout until till
    and or but nor because although though while whilst whereas if unless whether as
    would could should shall ought might must may cannot
    """.split()
)
# Contractions of grammar words: "don't", "it's", "we'll", "i'm".
CONTRACTION = re.compile(r"[a-z]+(?:n't|'s|'re|'ve|'ll|'d|'m)")


def is_grammar_word(key: str) -> bool:
    return key in GRAMMAR_WORDS or CONTRACTION.fullmatch(key) is not None
