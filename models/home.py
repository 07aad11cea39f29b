"""What a signed-in account is, in one Dutch sentence for the home screen."""
from __future__ import annotations

from models.accounts import Account, Role
from models.organisations import Branch, ManagerRole, Organisation

ROLE_NAMES = {
    ManagerRole.CONTACT_PERSON: "contactpersoon werkgever",
    ManagerRole.BRANCH_MANAGER: "vestigingsmanager",
}


def describe_role(account: Account) -> str:
    if account.role in (Role.STAFF, Role.PROFESSIONAL):  # the name as stored now: it may have changed elsewhere
        name = Account.select(Account.name).where(Account.id == account.id).scalar() or ""
        return f"{'Registerplein-medewerker' if account.role == Role.STAFF else 'Professional'}: {name}"
    branch = Branch.select(Branch, Organisation).join(Organisation).where(Branch.manager == account).first()
    if branch is None:
        return "U bent ingelogd als werkgever, maar er is geen vestiging aan uw account gekoppeld."
    role = ROLE_NAMES[ManagerRole(branch.role)]
    admin = " en beheerder" if branch.is_admin else ""
    return f"U bent {role}{admin} van {branch.organisation.name}, vestiging {branch.name}."
