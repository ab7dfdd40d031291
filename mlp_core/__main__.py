from mlp_core.cli import main

raise SystemExit(main())
