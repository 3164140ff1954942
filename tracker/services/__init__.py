"""The write paths, one function per action. Views, the admin, seeds, imports and tasks call
these rather than writing the same change again; each runs in one transaction."""
