set -e
shard --help | head -2
shard --version
