"""Follow-up questions rewritten into standalone ones before retrieval.

"And who else was on it?" after "Who leads Crew-12?" (answered "Jessica Meir") becomes "Who else
was on Crew-12 besides Jessica Meir?"; "What about Crew-11?" becomes the earlier question with
Crew-11 in place of Crew-12; "Which agency is she from?" names the person the last answer named.
Rules, not an LLM: the rewrite is shown to the user, and the citations come from answering the
rewritten question, so they stay correct (an LLM condense step is what breaks them in
condense-plus-context chat engines).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.domain import VOCABULARY
from assistant.errors import InvalidQuestionError
from assistant.news.table import mission_label
from assistant.query.anchors import question_anchors
from assistant.text.missions import find_missions
from assistant.text.people import find_people

_LEAD_IN = re.compile(r"^\W*(?:and|so|also|ok|okay|then|but)\b[\s,]*", re.I)
_WHAT_ABOUT = re.compile(r"^\W*(?:and\s+)?(?:what|how)\s+about\s+(?P<subject>.+?)\W*$", re.I)
_AND_THE = re.compile(
    r"^\W*and\s+(?P<subject>(?:the\s+)?(?!(?:who|what|when|where|which|how|why|did|does|do|is|was|are|were)\b)"
    r"[\w'’.-]+(?:\s+[\w'’.-]+){0,3})\s*\?*\s*$",
    re.I,
)
_WHICH_FRAME = re.compile(
    r"^\s*(which|what)\s+(?:[\w'’.-]+\s+){0,3}?(?:astronauts?|cosmonauts?|members?|agency|agencies|rocket|"
    r"spacecraft|missions?)\b",
    re.I,
)
_MARKERS = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Condensed:
    asked: str  # the last user turn, as typed
    standalone: str  # what is retrieved and answered

    @property
    def rewritten(self) -> bool:
        return self.standalone != self.asked


def _replace_word(text: str, words: str, by: str) -> str:
    return re.sub(rf"\b(?:{words})\b", by, text, flags=re.I)


def condense(messages: Sequence[dict[str, str]]) -> Condensed:
    """The last user turn as a question that stands on its own."""
    turns = [(m.get("role", ""), m.get("content", "") or "") for m in messages]
    users = [content for role, content in turns if role == "user"]
    if not users:
        raise InvalidQuestionError("The conversation has no user message.")
    asked = users[-1]
    last_user = max(i for i, (role, _) in enumerate(turns) if role == "user")
    history = turns[:last_user]
    if not history or not asked.strip():  # an empty turn is refused later, with its own message
        return Condensed(asked, asked)
    mission = next((m for _, text in reversed(history) for m in find_missions(text)[:1]), None)
    answer_people: list[str] = []
    for role, text in reversed(history):
        if role == "assistant":
            answer_people = list(dict.fromkeys(p.text for p in find_people(_MARKERS.sub("", text))))
            break
    question_people = [p.text for _, text in reversed(history) for p in find_people(text)]
    people = answer_people or question_people
    person = people[0] if people else None
    base = _LEAD_IN.sub("", asked).strip() or asked
    base = base[0].upper() + base[1:]
    question = base

    about = _WHAT_ABOUT.match(asked) or _AND_THE.match(asked)
    earlier = next((text for role, text in reversed(history) if role == "user"), None)
    if about and earlier:
        subject = about.group("subject")
        frame = _WHICH_FRAME.match(earlier)
        if frame and not find_missions(subject):
            # "Which JAXA astronaut flew on Crew-11?" + "And the Roscosmos cosmonaut?"
            named = re.sub(r"^(?i:the)\s+", "", subject)
            return Condensed(asked, f"{frame.group(1)} {named}{earlier[frame.end() :]}")
        new_missions, old_missions = find_missions(subject), find_missions(earlier)
        if new_missions and old_missions:
            swapped = VOCABULARY.mission_pattern.sub(mission_label(new_missions[0]), earlier)
            return Condensed(asked, swapped)
        return Condensed(asked, f"{earlier.rstrip('?. ')} for {subject}?")

    own_missions = find_missions(question)
    things = (VOCABULARY.conversation_thing.search(text) for _, text in reversed(history))
    thing = next((m.group(0) for m in things if m), None)
    if thing and not mission and not own_missions:
        question = _replace_word(question, r"it", thing)
    if mission and not own_missions:
        label = mission_label(mission)
        question = _replace_word(question, r"(?:the|this|that)\s+mission|the\s+flight", label)
        question = _replace_word(question, r"its", f"{label}'s")
        question = _replace_word(question, r"it", label)
        question = _replace_word(question, r"their", f"the {label} crew's")
        question = _replace_word(question, r"they|them|the\s+crew", f"the {label} crew")
    if person and not find_people(question):
        question = _replace_word(question, r"she|he", person)
        question = _replace_word(question, r"his", f"{person}'s")
        question = re.sub(r"\bher\b(?=\s*[?.!]|\s+(?:to|on|in|at|from|with|for)\b)", person, question, flags=re.I)
        question = _replace_word(question, r"her", f"{person}'s")
        question = _replace_word(question, r"him", person)
    if re.search(r"\belse\b|\bother\b", question, re.I) and answer_people:
        others = [p for p in answer_people if p not in question]
        if others:
            listed = others[0] if len(others) == 1 else ", ".join(others[:-1]) + " and " + others[-1]
            question = f"{question.rstrip('?. ')} besides {listed}?"
    if question != base:
        return Condensed(asked, question)
    elliptical = _LEAD_IN.match(asked) or len(re.findall(r"\w+", asked)) <= 4
    if mission and elliptical and not own_missions and not find_people(question):
        # "And the Roscosmos cosmonaut?" after a Crew-11 question is about Crew-11.
        return Condensed(asked, f"{question.rstrip('?. ')} ({mission_label(mission)})?")
    if earlier and not question_anchors(question):
        # Nothing to substitute and nothing named: borrow what the earlier question named.
        earlier_anchors = question_anchors(earlier)
        if earlier_anchors:
            named = " ".join(mission_label(a) if re.fullmatch(r"[a-z]+-\d+", a) else a for a in earlier_anchors)
            return Condensed(asked, f"{question.rstrip('?. ')} ({named})?")
    return Condensed(asked, asked)
