shard --format parquet -o out
