"""What the sentence around a lexicon hit says about it: a confidence per span.

A word from the lexicon is not always an offence.  This module weighs each span
by its sentence:

- **reported speech and quotes** ("hij noemde mij een zakkenvuller", "ik werd
  uitgescholden voor …", 'woorden als "tuig"', a word between quotation marks)
  report or reject an insult rather than make one: low confidence;
- **news of violence** (a threat phrase in a sentence about the police, a
  suspect, a court, "gisteravond") reports a threat rather than makes one;
- **threat phrases not aimed at a person** ("dat plan moet je afschieten", "de
  kosten ontploffen") are metaphors: low confidence; a threat aimed at a person
  or their home or office is ``targeted``;
- **disease meanings** of curse words (kanker, tyfus, tering, pest) in a
  sentence about patients, hospitals, research or epidemics are not profanity
  (the span is dropped), unless the sentence wishes the disease on someone.

A confidence under one half means the lexicon alone does not make the comment
uncivil; the model still scores the whole comment.
"""

import re

from moderation import vocabulary as vocab

CONFIDENCE = {vocab.THREAT: 0.97, vocab.IDENTITY_ATTACK: 0.97, vocab.INSULT: 0.92, vocab.PROFANITY: 0.9}
REPORTED = 0.4
REPORTED_THREAT = 0.6  # the training labels call a quoted threat uncivil; it is not an urgent one
UNTARGETED_THREAT = 0.6
METAPHOR = 0.3

SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")
QUOTED = re.compile(r"""["“”„«»‹›]|(?<!\w)['‘’]|['‘’](?!\w)""")
REPORT_BEFORE = re.compile(
    r"\b(?:noem(?:de|den|t|en)|genoemd)\s+(?:mij|me|ons|mijn \w+|onze \w+|m'n \w+|hem|haar|hen|de \w+|zijn \w+)\b"
    r"|\b(?:maakt(?:e|en)?|scheld(?:t|en)?|schold(?:en)?)\s+(?:mij|me|ons|mijn \w+|onze \w+|m'n \w+|hem|haar|hen|"
    r"de \w+|zijn \w+|iedereen)\s+(?:\w+\s+)?uit\b"
    r"|\b(?:uitgescholden|uitgemaakt|weggezet|afgeschilderd|weggehoond)\s+(?:voor|als|worden|door)\b"
    r"|\b(?:hij|zij|ze|iemand|een (?:man|vrouw|bewoner|meneer|mevrouw|raadslid|jongen)|die (?:man|vrouw|gast|vent)"
    r"|men|de (?:wethouder|burgemeester|buurman|buurvrouw)|mensen)\s+(?:\w+\s+){0,2}?"
    r"(?:noemde|noemden|noemt|riep|riepen|roept|schold|scholden|schreeuwde|schreeuwden|schreef|schreven|zei|zeiden|"
    r"zegt|tweette|twitterde|appte|appten)\b"
    r"|\b(?:werd|word|wordt|werden|worden|ben|zijn|is|was|waren)\s+(?:\w+\s+){0,4}?"
    r"(?:uitgescholden|uitgemaakt|genoemd|weggezet|afgeschilderd)\b"
    r"|\b(?:woorden|termen|scheldwoorden|kreten|teksten|opmerkingen|berichten|reacties|bordjes|leuzen)\s+(?:als|zoals)\b"
    r"|\b(?:het woord|de term|het scheldwoord|de kreet|de leus|een bord met|een spandoek met|citaat)\b"
    r"|\b(?:aangifte|melding)\s+(?:gedaan|doen|van)\b[^.!?\n]{0,60}"
)
SELF = re.compile(r"\b(?:ik|we|wij)\s+$|^\s*(?:ik|we|wij)\b")
REPORT_AFTER = re.compile(
    r"^\W{0,4}\s*(?:riep|riepen|zei|zeiden|schreef|schreven|schreeuwde|noemde|stond|roept|zegt|scandeerden|"
    r"werd (?:er )?(?:geroepen|gezegd|geschreven|gescandeerd))\b"
    r"|^\W{0,4}\s*(?:\w+\s+){0,3}?(?:uitgescholden|uitgemaakt|genoemd|nageroepen|weggezet)\b"
)
# a negated insult ("hij is geen idioot", "ik zeg niet dat hij een sukkel is", "niemand hier is tuig")
NEGATED = re.compile(
    r"\bgeen\s+(?:echte\s+)?$|\b(?:is|ben|bent|zijn|was|waren)\s+(?:\w+\s+)?(?:niet|nooit)\s+(?:een\s+)?$"
    r"|\b(?:zeg|zeggen|vind|vinden|bedoel|bedoelen|noem|noemen|beweer)\s+(?:ik\s+|we\s+|wij\s+)?niet\s+dat\b"
    r"|\bniemand\b[^,.!?]{0,25}\b(?:is|zijn|was)\s+(?:een\s+)?$"
)
NAMING = re.compile(r"^(?:noem|maak|scheld|schold)")
FIRST_SECOND = re.compile(r"\b(?:ik|we|wij|je|jij|jou|jullie|u)\b")
NEWS = re.compile(
    r"\b(?:politie|agenten?|verdachten?|dader|daders|aangehouden|opgepakt|gearresteerd|slachtoffers?|rechter|"
    r"rechtbank|veroordeeld|celstraf|officier van justitie|justitie|brandweer|explosie|gewonden?|omgekomen|"
    r"nieuwsbericht|volgens de|meldt|melden|"
    r"het ad|de telegraaf|nos|omroep|persbericht|werd (?:\w+ )?(?:neergeschoten|neergestoken|aangevallen|mishandeld|"
    r"bedreigd)|zijn (?:\w+ )?(?:neergeschoten|neergestoken|bedreigd)|is (?:\w+ )?(?:neergeschoten|neergestoken|"
    r"bedreigd))\b"
)
PERSON = re.compile(
    r"\b(?:je|jij|jou|jullie|u|hij|hem|haar|zij|ze|hen|hun|die|dat wijf|iemand|iedereen|mensen|\w*wethouder\w*|"
    r"\w*burgemeester\w*|ambtena\w+|raadsle\w+|raadslid|minister\w*|politic\w+|bestuurder\w*|directeur\w*|"
    r"griffier\w*|medewerker\w*|wijkagent|gedeputeerde\w*|college|mevrouw|meneer|man|vrouw|kinderen|familie|"
    r"(?:raad|gemeente|stad|provincie)huis|kantoor|huis|woning|auto|deur|adres|voordeur)\b"
)
THINGS = re.compile(
    r"\b(?:plan|plannen|plannetje|voorstel\w*|motie\w*|begroting\w*|idee\w*|project\w*|beleid|regels?|wet|wetten|"
    r"wetgeving|wetsvoorstel\w*|"
    r"bestemmingsplan\w*|discussie\w*|debat\w*|kosten|prijzen|budget\w*|argument\w*|rapport\w*|advies|kritiek|"
    r"cijfers|zorgkosten|huizenprijzen|huren|tekort\w*|verkiezing\w*|coalitie\w*|akkoord|amendement\w*|"
    r"concept\w*|nota|visie|herindeling|fusie)\b"
)
DISEASES = frozenset({"kanker", "tyfus", "tering", "pest", "pokken", "cholera", "klere"})
MEDICAL = re.compile(
    r"\b(?:pati[eë]nt\w*|ziekenhu\w+|diagnose\w*|behandel\w*|chemo\w*|bestraling\w*|onderzoek\w*|epidemie\w*|"
    r"uitbra(?:ak|ken)|brak uit|gevallen van|besmet\w*|besmetting\w*|vaccin\w*|ingeënt|inenting\w*|sterfte\w*|"
    r"overleden|overleed|stierf|stierven|sterven|artsen|arts|dokter|huisarts|oncolo\w*|ggd|rivm|kwf|\w*ziekte\w*|tbc|tuberculose|"
    r"ziek|tumor\w*|uitzaaiing\w*|genezen|genezing|screening|bevolkingsonderzoek|zorgverzekeraar\w*|longen|"
    r"bacterie\w*|virus\w*|eeuw|middeleeuwen|quarantaine|medicijn\w*|mantelzorg\w*|verpleeg\w*|hospice|"
    r"palliatie\w*|overlevingskans\w*|collecte\w*|collectant\w*|goede doel|ziekenfonds|diagnosticeerd|"
    r"gediagnosticeerd|symptomen|hoesten|koorts)\b"
)
CURSE_FRAME = re.compile(
    r"\b(?:krijg|krijgt|krijgen|kr\*g|loop|lopen|val|wens \w+|wens je)\s+(?:naar |de |het |die |een )*$|\bwat een\s*$"
)


def weigh(text: str, spans: list[dict]) -> list[dict]:
    """The spans with a ``confidence`` each (and ``targeted`` for threats); disease meanings dropped."""
    out = []
    lower = text.lower()
    for span in spans:
        start, end, category = span["start"], span["end"], span["category"]
        s_start, s_end = _sentence(lower, start, end)
        sentence = lower[s_start:s_end]
        before, after = lower[s_start:start], lower[end:s_end]
        inside = lower[start:end]
        if category == "profanity" and _disease(inside, sentence, before):
            continue
        confidence = CONFIDENCE[category]
        span = dict(span)
        reported = _quoted(lower, start, end) or _reported(before, after)
        if category == vocab.THREAT:
            targeted = bool(PERSON.search(inside) or PERSON.search(before[-40:]) or PERSON.search(after[:40]))
            near = before[-25:] + " " + inside + " " + after[:25]
            news = bool(NEWS.search(sentence)) and not FIRST_SECOND.search(inside)
            if THINGS.search(near) and not PERSON.search(near):
                targeted, confidence = False, METAPHOR
            elif reported and not news:
                targeted, reported, confidence = False, False, REPORTED_THREAT
            elif news:
                reported = True
            elif not targeted:
                confidence = UNTARGETED_THREAT
            span["targeted"] = targeted and not reported
        if category == vocab.INSULT and NEGATED.search(before[-45:]):
            reported = True
        if reported:
            confidence = min(confidence, REPORTED)
        span["confidence"] = confidence
        out.append(span)
    return out


def _sentence(lower, start, end):
    s_start = max(lower.rfind(c, 0, start) for c in ".!?\n") + 1
    ends = [i for i in (lower.find(c, end) for c in ".!?\n") if i >= 0]
    return s_start, (min(ends) if ends else len(lower))


def _quoted(lower, start, end):
    """Is the span inside a quotation: an odd number of marks before it on its line, one after it?"""
    line_start = max(lower.rfind("\n", 0, start) + 1, start - 120)
    if len(QUOTED.findall(lower, line_start, start)) % 2 == 0:
        return False
    return bool(QUOTED.search(lower, end, min(len(lower), end + 120)))


def _reported(before, after):
    """A reporting frame before the span (someone else's words) or a reporting verb right after it."""
    m = next(reversed(list(REPORT_BEFORE.finditer(before))), None)  # the frame nearest the span
    if m is not None:
        naming = bool(NAMING.match(m.group(0)))  # "ik noem hem een …" is the writer's own insult
        if not (naming and (SELF.search(before[max(0, m.start() - 8) : m.start()]) or SELF.search(m.group(0)))):
            return True
    return bool(REPORT_AFTER.search(after))


def _disease(inside, sentence, before):
    word = inside.strip(" .,!?").lower()
    return word in DISEASES and bool(MEDICAL.search(sentence)) and not CURSE_FRAME.search(before)
