from acuplan.cli import main

raise SystemExit(main())
