from ai_workflow.cli import main

raise SystemExit(main())
