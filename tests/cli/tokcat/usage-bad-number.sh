tokcat --head ten
