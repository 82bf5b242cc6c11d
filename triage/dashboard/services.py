"""The dashboard's batch actions that are not a single service call."""

from dataclasses import dataclass, field

from ideas import workflow
from ideas.models import Idea
from ideas.services import idea_transition
from portal.roles import Actor


@dataclass
class BatchResult:
    done: list[Idea] = field(default_factory=list)
    refused: list[tuple[Idea, str]] = field(default_factory=list)


def ideas_start_screening(*, ideas: list[Idea], actor: Actor) -> BatchResult:
    """Move each idea to screening through the workflow; one refusal does not stop the rest."""
    result = BatchResult()
    for idea in ideas:
        try:
            idea_transition(idea=idea, to=workflow.Status.SCREENING, actor=actor)
        except workflow.TransitionNotAllowed as error:
            result.refused.append((idea, str(error)))
        else:
            result.done.append(idea)
    return result
