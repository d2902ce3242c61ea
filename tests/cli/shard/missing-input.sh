shard -o out no-such-file.tok
