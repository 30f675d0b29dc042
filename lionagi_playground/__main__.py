"""`python -m lionagi_playground`: the same CLI as `lionagi-playground`."""

from lionagi_playground.cli import main

raise SystemExit(main())
