"""Route modules, one per page family; each exposes ``ROUTES`` for ``web.app`` to mount."""
