"""Why an account change is refused, in English, by message key: the one place these words are
written. ``accounts`` raises ``UserError`` with a key from here; ``services.error_texts`` merges
them into its catalog beside their Simplified Chinese.

Imports nothing, so the catalog costs nothing to read.
"""

from __future__ import annotations

ACCOUNT_EN: dict[str, str] = {
    "error.bad_username": (
        "a username is 1-100 letters, digits or . _ @ - (it is the person id the programs use, "
        "e.g. spec.li)"
    ),
    "error.unknown_roles": "unknown role(s) {named}; roles are {known}",
    "error.short_password": "a password needs at least {least} characters",
    "error.long_password": "a password may have at most {most} characters",
    "error.user_exists": "user {username!r} already exists",
    "error.user_look_alike": (
        "user {existing!r} already exists and {username!r} differs from it only in case: two names "
        "that read alike would be mistaken for each other; choose another name"
    ),
    "error.no_user": "no user {username!r}",
    "error.roles_not_held": "{username} does not hold the role(s) {roles}",
    "error.token_without_roles": "a token needs at least one role",
    "error.account_without_roles": (
        "a new account needs at least one role ({known}); to keep someone out, disable the "
        "account instead"
    ),
    "error.roles_all_taken": (
        "an account keeps at least one role ({known}); to keep someone out, disable the account "
        "instead"
    ),
    "error.blank_label": "the label is blank: write what the token is for, or leave it out",
    "error.not_one_line": (
        "{field} is one line of printable text: it holds U+{code} (a control character, e.g. a "
        "terminal escape or a line break)"
    ),
}
