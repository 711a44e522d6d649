from learnability.cli import main

raise SystemExit(main())
