"""``python -m backcoach``: the same entry point as the ``backcoach`` console script."""

from backcoach.cli.app import main

if __name__ == "__main__":
    main()
