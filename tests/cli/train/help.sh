train --help | head -n 1
