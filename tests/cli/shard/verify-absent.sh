# A folder that is not there: an environment failure (3).
shard --verify no-such-folder
