import sys

from hazdesk.cli import main

sys.exit(main())
