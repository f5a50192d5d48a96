import sys

from advisor.cli.entry import main

sys.exit(main())
