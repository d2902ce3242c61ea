shard --verify
