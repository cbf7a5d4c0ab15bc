"""`python -m assistant` runs the same command line as `review-assistant`."""

from assistant.cli import main

raise SystemExit(main())
