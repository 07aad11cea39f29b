"""Mutation testing: mutmut, as configured in pyproject.toml ([tool.mutmut]), on the domain modules.

    python -m tests.mutation run        # mutate, then run the SQLite suite against every mutant
    python -m tests.mutation results    # the mutants that survived; `show NAME` prints one as a diff

Any mutmut command works. The only difference from plain `mutmut`: functions decorated with
`@retry_on_conflict` are mutated too. mutmut leaves every decorated function alone (a decorator
may have side effects when the function is copied), which would leave out the very functions that
matter most here: authenticate, set_password_with_code, save_roles, remove_branch. That decorator is
a plain wrapper with no side effects at definition, so mutmut's copies of it are safe.
"""
from __future__ import annotations

import libcst as cst
from mutmut.__main__ import cli
from mutmut.mutation.file_mutation import MutationVisitor

SAFE_DECORATORS = {"retry_on_conflict"}

_skip = MutationVisitor._skip_node_and_children


def _decorator_name(decorator: cst.Decorator) -> str | None:
    return decorator.decorator.value if isinstance(decorator.decorator, cst.Name) else None


def _skip_node_and_children(self: MutationVisitor, node: cst.CSTNode) -> bool:
    if isinstance(node, cst.FunctionDef) and node.decorators and all(
            _decorator_name(decorator) in SAFE_DECORATORS for decorator in node.decorators):
        # Ask mutmut's own checks (pragmas, ignored names) about the function as if it had no
        # decorator. The node must stay the same object: mutmut looks up its position by identity.
        decorators = node.decorators
        object.__setattr__(node, "decorators", ())
        try:
            return _skip(self, node)
        finally:
            object.__setattr__(node, "decorators", decorators)
    return _skip(self, node)


MutationVisitor._skip_node_and_children = _skip_node_and_children

if __name__ == "__main__":
    cli()
