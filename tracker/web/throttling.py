"""What django-axes counts failed logins by."""


def login_identifier(request, credentials=None):
    """The login a failure is counted against: what was typed into the login form, that is
    allauth's "login" field (an email address) or the admin's "username".

    The form field comes first because axes also calls this on a *successful* login, to reset
    the count, with only {"username": user.get_username()} as credentials; counting by the
    typed address on both sides keeps the failures and their reset on one key. Email addresses
    are lower-cased, as allauth compares them: "LiuGang@Example.com" and "liugang@example.com"
    share one count."""
    data = getattr(request, "POST", None) or {}
    credentials = credentials or {}
    login = (
        data.get("login")
        or credentials.get("email")
        or credentials.get("username")
        or data.get("username")
    )
    if login and "@" in login:
        return login.strip().lower()
    return login
