train --version
