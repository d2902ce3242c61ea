tokcat --bogus
