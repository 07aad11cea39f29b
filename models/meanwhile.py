"""Who else changed what a user is looking at, for "Intussen gewijzigd door …", as that user may know them.

Only the actors of the subject shown count (not everyone whose change came in the same batch), and a
name is given only for someone the viewer already meets in the app: staff see everyone; an employer sees
the managers of their own organisation's branches; a professional sees the managers of branches they
granted (their Inzage tab names them). Registerplein staff are "Registerplein" to others; anyone else, or
a change whose maker is unknown (EVERYTHING, a batch too big to name subjects), is "een ander".
"""
from __future__ import annotations

from collections.abc import Iterable

from models.accounts import Account, Role
from models.changes import Batch, Topic
from models.grants import AccessGrant
from models.organisations import Branch

SOMEONE = "een ander"
STAFF = "Registerplein"


def changed_by(batch: Batch, viewer: Account, subjects: Iterable[Topic]) -> str:
    """Who other than `viewer` changed `subjects` in `batch`: names, "Registerplein", "een ander"; "" if nobody."""
    wanted = set(subjects)
    touched = [(topic, actor) for topic, actor in batch.by if topic in wanted]
    unknown = any(Topic(topic.kind) in batch.topics for topic in wanted)  # every subject of the kind: whose?
    unknown = unknown or any(actor is None for _, actor in touched)
    unknown = unknown or (not batch.by and bool(wanted & batch.topics))  # a batch that does not say who
    others = {actor for _, actor in touched if actor is not None and actor != viewer.id}
    names, hidden = _known(viewer, others)
    return ", ".join(names + ([SOMEONE] if hidden or unknown else []))


def _known(viewer: Account, actor_ids: set[int]) -> tuple[list[str], bool]:
    """The names `viewer` may read of these accounts (sorted), and whether any was left out."""
    if not actor_ids:
        return [], False
    actors = list(Account.select(Account.id, Account.name, Account.role).where(Account.id.in_(actor_ids)))
    if viewer.role == Role.STAFF:
        return sorted(actor.name for actor in actors), len(actors) < len(actor_ids)
    allowed = set(_acquaintances(viewer, {actor.id for actor in actors if actor.role != Role.STAFF}))
    names = sorted(actor.name for actor in actors if actor.id in allowed)
    staff = sum(actor.role == Role.STAFF for actor in actors)
    return names + ([STAFF] if staff else []), len(names) + staff < len(actor_ids)


def _acquaintances(viewer: Account, candidates: set[int]) -> Iterable[int]:
    """Which of `candidates` manage a branch the viewer meets: of their own organisation (an employer) or
    granted access by them at any time (a professional)."""
    if not candidates:
        return []
    if viewer.role == Role.EMPLOYER:
        organisations = Branch.select(Branch.organisation).where(Branch.manager == viewer.id)
        branches = Branch.select(Branch.manager).where(Branch.organisation.in_(organisations))
    elif viewer.professional_id is not None:
        granted = AccessGrant.select(AccessGrant.branch).where(AccessGrant.professional == viewer.professional_id)
        branches = Branch.select(Branch.manager).where(Branch.id.in_(granted))
    else:
        return []
    return [manager for (manager,) in branches.where(Branch.manager.in_(candidates)).tuples()]
