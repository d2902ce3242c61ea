benchmark-decontaminate --help
