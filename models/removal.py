"""An employer removes a professional who left: the grants to the employer's branches end."""
from __future__ import annotations

from models.access import AccessDenied, own_branches, require_employer
from models.accounts import Account
from models.audit import Action, AuditEvent
from models.clock import Clock
from models.db import retry_on_conflict, write_transaction
from models.grants import AccessGrant

NOT_HERE = "Deze professional geeft uw vestiging geen inzage (meer)."


@retry_on_conflict
def remove_professional(account: Account, professional_id: int, clock: Clock) -> int:
    """Revoke every live grant of this professional to `account`'s branches; returns how many.

    The rows stay (revoked when, by whom), so the professional sees that the employer ended them.
    Grants to other organisations, or other branches, are untouched. A professional with no
    grant left to these branches is AccessDenied: there is nobody here to remove.
    """
    require_employer(account)
    now = clock.now()
    with write_transaction():
        grants = list(AccessGrant.select().where(
            AccessGrant.professional == professional_id,
            AccessGrant.branch.in_(own_branches(account)),
            AccessGrant.revoked_at.is_null(),
        ))
        if not grants:
            raise AccessDenied(NOT_HERE)
        for grant in grants:
            changed = (AccessGrant.update(revoked_at=now, revoked_by=account)
                       .where(AccessGrant.id == grant.id, AccessGrant.revoked_at.is_null()).execute())
            if changed:
                AuditEvent.record(now, Action.GRANT_REVOKED, actor=account, professional=professional_id,
                                  branch=grant.branch_id, detail={"by": "employer"})
        AuditEvent.record(now, Action.PROFESSIONAL_REMOVED, actor=account, professional=professional_id)
    return len(grants)
