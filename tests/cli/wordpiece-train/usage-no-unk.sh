# The special tokens must include [UNK], which WordPiece needs.
wordpiece-train --special-tokens '[PAD],[CLS]' -o out /dev/null
