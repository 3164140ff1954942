"""Thin views, one module per page family: parse the request, check access (404 for anything
that is not the user's), call one service or selector, render."""
